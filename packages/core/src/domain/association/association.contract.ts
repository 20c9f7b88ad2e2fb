import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { associationRoutes } from "./association.routes";
import { associationSchema, listAssociationsQuery } from "./association.schema";

/** What the routes of association.routes.ts accept and answer. */
export const associationContracts = {
  "contacts.associations": {
    summary: "A contact's companies and deals",
    description: "The records linked to the contact, optionally of one `type`; the primary company is flagged.",
    tag: "Contacts",
    query: listAssociationsQuery,
    response: { status: 200, description: "A page of linked records.", schema: page(associationSchema) },
  },
  "companies.associations": {
    summary: "A company's contacts and deals",
    description:
      "Every contact that works with the company (`primary` when it is their primary company) and its deals.",
    tag: "Companies",
    query: listAssociationsQuery,
    response: { status: 200, description: "A page of linked records.", schema: page(associationSchema) },
  },
  "deals.associations": {
    summary: "A deal's contacts and company",
    tag: "Deals",
    query: listAssociationsQuery,
    response: { status: 200, description: "A page of linked records.", schema: page(associationSchema) },
  },
} as const satisfies ContractsOf<typeof associationRoutes>;
