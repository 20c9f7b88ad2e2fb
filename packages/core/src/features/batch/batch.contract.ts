import type { z } from "zod";
import type { ContractsOf } from "../../platform/route-contract";
import type { batchRoutes } from "./batch.routes";
import {
  batchCreateCompaniesInput,
  batchCreateContactsInput,
  batchCreateDealsInput,
  batchUpdateCompaniesInput,
  batchUpdateContactsInput,
  batchUpdateDealsInput,
  companyBatchResultsSchema,
  contactBatchResultsSchema,
  dealBatchResultsSchema,
} from "./batch.schema";

/** What every batch route does; see batch.runner.ts. */
const batchRules =
  "Each entry is validated and written on its own, in its own transaction, as the single-record request would do it: a batch is atomic per entry, not as a whole. The answer is 200 whenever the batch ran, with one result per entry in the order given: its status (what its own request would have answered) and the record or a problem. Only a malformed envelope (not `{ items: [...] }` with 1 to 100 entries) fails the whole request, and then nothing is written. Entries run up to 8 at a time; entries naming the same email, domain, owner, company, contact or pipeline run in the order given. With an Idempotency-Key a retry replays the whole result, failed entries included: send those again in a new request.";
const batchUpdateRules =
  "Each entry names a record by `id` (once per batch), its `changes` (as in the single update) and optionally `ifMatch` (as the If-Match header: 412 for that entry when the record has changed).";

/** The handler returns the entries' outcomes; a successful entry answers as its single-record request would. */
const batchResponse = <S extends z.ZodType>(schema: S, entryStatus: 200 | 201) =>
  ({
    status: 200,
    description: "One result per entry, in the order of `items`.",
    schema,
    batchEntryStatus: entryStatus,
  }) as const;

/** What the routes of batch.routes.ts accept and answer. */
export const batchContracts = {
  "contacts.batchCreate": {
    summary: "Create up to 100 contacts",
    description: `${batchRules} An email given by several entries goes to the first of them; the others get 409 \`duplicate\`.`,
    tag: "Contacts",
    body: batchCreateContactsInput,
    response: batchResponse(contactBatchResultsSchema, 201),
  },
  "contacts.batchUpdate": {
    summary: "Update up to 100 contacts",
    description: `${batchRules} ${batchUpdateRules}`,
    tag: "Contacts",
    body: batchUpdateContactsInput,
    response: batchResponse(contactBatchResultsSchema, 200),
  },
  "companies.batchCreate": {
    summary: "Create up to 100 companies",
    description: `${batchRules} A domain given by several entries goes to the first of them; the others get 409 \`duplicate\`.`,
    tag: "Companies",
    body: batchCreateCompaniesInput,
    response: batchResponse(companyBatchResultsSchema, 201),
  },
  "companies.batchUpdate": {
    summary: "Update up to 100 companies",
    description: `${batchRules} ${batchUpdateRules}`,
    tag: "Companies",
    body: batchUpdateCompaniesInput,
    response: batchResponse(companyBatchResultsSchema, 200),
  },
  "deals.batchCreate": {
    summary: "Create up to 100 deals",
    description: batchRules,
    tag: "Deals",
    body: batchCreateDealsInput,
    response: batchResponse(dealBatchResultsSchema, 201),
  },
  "deals.batchUpdate": {
    summary: "Update up to 100 deals",
    description: `${batchRules} ${batchUpdateRules}`,
    tag: "Deals",
    body: batchUpdateDealsInput,
    response: batchResponse(dealBatchResultsSchema, 200),
  },
} as const satisfies ContractsOf<typeof batchRoutes>;
