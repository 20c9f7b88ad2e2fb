import { z } from "zod";
import type { ContractsOf } from "../platform/route-contract";
import type { systemRoutes } from "./system.routes";

const health = z.object({ status: z.literal("ok") }).meta({ id: "Health" });

/** What the routes of system.routes.ts accept and answer. */
export const systemContracts = {
  "health.get": {
    summary: "Check that the API is up",
    tag: "System",
    response: { status: 200, description: "The API is up.", schema: health },
  },
  "openapi.get": {
    summary: "This OpenAPI 3.1 document",
    tag: "System",
    response: { status: 200, description: "The OpenAPI document." },
  },
  "eventSchema.get": {
    summary: "The domain events' JSON Schema",
    description:
      "JSON Schema (2020-12) of the `detail` of every domain event on the bus and of every webhook's `data`, generated from the same zod schema the publisher uses.",
    tag: "System",
    response: { status: 200, description: "The JSON Schema of a domain event." },
  },
} as const satisfies ContractsOf<typeof systemRoutes>;
