import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { duplicateRoutes } from "./duplicate.routes";
import { duplicateCandidatesSchema, duplicateGroupSchema, listDuplicatesQuery } from "./duplicate.schema";

/** What the routes of duplicate.routes.ts accept and answer. */
export const duplicateContracts = {
  "duplicates.list": {
    summary: "List duplicate candidates",
    description:
      "Every value that two or more contacts (or companies, with `type=company`) share, one group per value: contacts by normalised email (lower-case, without a `+tag`, Gmail without dots), phone digits and full name at the same primary company; companies by domain (without `www.`) and name (folded, without a legal form such as Ltd). Kept up to date by every write, so a change shows at once. Cursor-paginated.",
    tag: "Duplicates",
    query: listDuplicatesQuery,
    response: { status: 200, description: "A page of duplicate groups.", schema: page(duplicateGroupSchema) },
  },
  "contacts.duplicates": {
    summary: "List a contact's duplicate candidates",
    description:
      "The other contacts sharing a normalised email, phone digits or full name at the same primary company with this one, most shared values first.",
    tag: "Duplicates",
    response: { status: 200, description: "The contact's candidates.", schema: duplicateCandidatesSchema },
  },
  "companies.duplicates": {
    summary: "List a company's duplicate candidates",
    description: "The other companies sharing a normalised domain or name with this one, most shared values first.",
    tag: "Duplicates",
    response: { status: 200, description: "The company's candidates.", schema: duplicateCandidatesSchema },
  },
} as const satisfies ContractsOf<typeof duplicateRoutes>;
