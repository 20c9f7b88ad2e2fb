import { recordSchemasSchema } from "../../capabilities/custom-fields/custom-field.schema";
import type { ContractsOf } from "../../platform/route-contract";
import type { recordSchemaRoutes } from "./record-schema.routes";

/** What the routes of record-schema.routes.ts accept and answer. */
export const recordSchemaContracts = {
  "schema.get": {
    summary: "Get the record schemas",
    description:
      "The JSON Schema (2020-12) of a contact, a company, a deal and an activity as this organisation's API answers them: the built-in fields, and in `customFields` every custom field that is not archived, typed, with its label as `title`, a select's options as `oneOf` of `{ const: <option id>, title: <label> }`, and `x-required` on the fields a new record must have. Archived fields are left out; records may still hold their values.",
    tag: "Custom fields",
    response: { status: 200, description: "A JSON Schema per record type.", schema: recordSchemasSchema },
  },
} as const satisfies ContractsOf<typeof recordSchemaRoutes>;
