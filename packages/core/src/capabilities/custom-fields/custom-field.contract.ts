import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { customFieldRoutes } from "./custom-field.routes";
import {
  createCustomFieldInput,
  customFieldSchema,
  listCustomFieldsQuery,
  maxCustomFieldsPerRecordType,
  updateCustomFieldInput,
} from "./custom-field.schema";

/** What the routes of custom-field.routes.ts accept and answer. */
export const customFieldContracts = {
  "customFields.create": {
    summary: "Define a custom field",
    description: `Adds a typed field to a record type (contact, company, deal, activity): its values then travel in the records' \`customFields\` object. The key is unique per record type, case-insensitively (409 \`duplicate\`), and cannot change; at most ${maxCustomFieldsPerRecordType} fields per record type, archived ones included.`,
    tag: "Custom fields",
    body: createCustomFieldInput,
    response: {
      status: 201,
      description: "The new field.",
      schema: customFieldSchema,
      location: true,
      etag: true,
    },
    errors: [409],
  },
  "customFields.list": {
    summary: "List custom fields",
    description:
      "The organisation's fields in the order they were defined, without archived ones unless `archived` says so; narrow by `recordType`. Everyone may read them.",
    tag: "Custom fields",
    query: listCustomFieldsQuery,
    response: { status: 200, description: "A page of fields.", schema: page(customFieldSchema) },
  },
  "customFields.get": {
    summary: "Get a custom field",
    description: "One field's definition, archived or not. A deleted field is a 404 at once.",
    tag: "Custom fields",
    response: { status: 200, description: "The field.", schema: customFieldSchema, etag: true },
  },
  "customFields.update": {
    summary: "Update a custom field",
    description:
      "Changes the label, description, required flag, archived state or a select's options (renamed by id, so records keep their values). Archiving hides the field from the schema and refuses new values, while records keep and show the ones they hold.",
    tag: "Custom fields",
    body: updateCustomFieldInput,
    conditional: true,
    response: { status: 200, description: "The updated field.", schema: customFieldSchema, etag: true },
  },
  "customFields.delete": {
    summary: "Delete a custom field",
    description:
      "The field disappears at once (its key stays taken until then); a background job removes its values from the records and then the field.",
    tag: "Custom fields",
    conditional: true,
    response: { status: 204, description: "The field is being deleted." },
  },
} as const satisfies ContractsOf<typeof customFieldRoutes>;
