import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { contactRoutes } from "./contact.routes";
import { contactSchema, createContactInput, listContactsQuery, updateContactInput } from "./contact.schema";

/** What the routes of contact.routes.ts accept and answer. */
export const contactContracts = {
  "contacts.create": {
    summary: "Create a contact",
    tag: "Contacts",
    body: createContactInput,
    response: { status: 201, description: "The new contact.", schema: contactSchema, location: true, etag: true },
    errors: [409],
  },
  "contacts.list": {
    summary: "List contacts",
    description: "Filter by owner, company and tag; sort by creation time or last name. Cursor-paginated.",
    tag: "Contacts",
    query: listContactsQuery,
    response: { status: 200, description: "A page of contacts.", schema: page(contactSchema) },
  },
  "contacts.get": {
    summary: "Get a contact",
    tag: "Contacts",
    response: { status: 200, description: "The contact.", schema: contactSchema, etag: true },
  },
  "contacts.update": {
    summary: "Update a contact",
    description: "Partial update: only the fields given change; `null` clears a field.",
    tag: "Contacts",
    body: updateContactInput,
    conditional: true,
    response: { status: 200, description: "The updated contact.", schema: contactSchema, etag: true },
    errors: [409],
  },
  "contacts.delete": {
    summary: "Delete a contact",
    description: "Members may delete only contacts they own; managers and admins any.",
    tag: "Contacts",
    conditional: true,
    response: { status: 204, description: "The contact was deleted." },
    errors: [409],
  },
} as const satisfies ContractsOf<typeof contactRoutes>;
