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
  "docs.page": {
    summary: "The API reference page",
    description:
      'An HTML page rendering this document with Scalar: every operation with its schemas and examples, the bearer authentication explained, and "try it" against the API serving the page with a token you paste. It loads nothing from elsewhere (a strict Content-Security-Policy).',
    tag: "System",
    response: { status: 200, description: "The reference page.", mediaType: "text/html" },
  },
  "docs.script": {
    summary: "The reference page's script",
    description: "Scalar's standalone API reference (script, styles and fonts in one file), which the page loads.",
    tag: "System",
    response: { status: 200, description: "The script.", mediaType: "text/javascript" },
  },
} as const satisfies ContractsOf<typeof systemRoutes>;
