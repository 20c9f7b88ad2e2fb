import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { duplicateRoutes } from "./duplicate.routes";
import { duplicateCandidatesSchema, duplicateGroupSchema, listDuplicatesQuery } from "./duplicate.schema";
import { companyMergeSchema, contactMergeSchema, mergeCompaniesInput, mergeContactsInput } from "./merge.schema";

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
  "contacts.merge": {
    summary: "Merge contacts",
    description:
      "Merges up to 9 contacts into a survivor, which keeps its id: per field the survivor's value unless empty, else the most recently updated contact's (or the record named in `fields`); emails, phones, tags and companies are the union. Their deals, activities (with the timeline) and files move to the survivor; the merged contacts go to the trash (restorable, without the emails and links that moved) and their ids answer 404 `merged` with `mergedInto`. A concurrent change of any of them is a 409 with nothing changed; a merge interrupted after it began is finished by sending it again. `preview: true` answers with the merged contact and what would move, changing nothing.",
    tag: "Duplicates",
    body: mergeContactsInput,
    response: { status: 200, description: "The merged contact and what moved.", schema: contactMergeSchema },
    errors: [409],
  },
  "companies.merge": {
    summary: "Merge companies",
    description:
      "Merges up to 9 companies into a survivor, which keeps its id: per field the survivor's value unless empty, else the most recently updated company's (or the record named in `fields`); tags are the union. The survivor keeps its domain or takes the chosen one, whose reservation passes to it; the other merged companies' domains are released, free to reuse. Their contacts (the survivor takes the merged company's place in each contact's companies), deals, activities (with the timeline) and files move to the survivor; the merged companies go to the trash (restorable, without their domain and the links that moved) and their ids answer 404 `merged` with `mergedInto`. A concurrent change of any of them is a 409 with nothing changed; a merge interrupted after it began is finished by sending it again. `preview: true` answers with the merged company and what would move, changing nothing.",
    tag: "Duplicates",
    body: mergeCompaniesInput,
    response: { status: 200, description: "The merged company and what moved.", schema: companyMergeSchema },
    errors: [409],
  },
} as const satisfies ContractsOf<typeof duplicateRoutes>;
