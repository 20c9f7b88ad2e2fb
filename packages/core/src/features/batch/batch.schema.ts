import { z } from "zod";
import { companySchema, createCompanyInput, updateCompanyInput } from "../../domain/company/company.schema";
import { contactSchema, createContactInput, updateContactInput } from "../../domain/contact/contact.schema";
import { createDealInput, dealSchema, updateDealInput } from "../../domain/deal/deal.schema";
import { companyIdParam, contactIdParam, dealIdParam } from "../../platform/path-parameters";
import { problemSchema } from "../../platform/problem.schema";

/** The most entries one batch may carry (the 100 KB body limit applies as well). */
export const maxBatchEntries = 100;

/** An entry of a parsed batch body: its valid input, or the issues that make it invalid (reported for it alone). */
export type BatchEntry<T> = { valid: true; input: T } | { valid: false; issues: z.core.$ZodIssue[] };

/**
 * Parses an entry on its own: a failing entry becomes `{ valid: false }` instead of failing the whole body. The
 * documentation shows `schema` alone, since JSON Schema cannot express a computed fallback.
 */
function entryOf<S extends z.ZodType>(schema: S) {
  return schema
    .transform((input): BatchEntry<z.output<S>> => ({ valid: true, input }))
    .catch((context): BatchEntry<z.output<S>> => ({ valid: false, issues: context.error.issues }));
}

/**
 * A batch body, `{ items: [...] }` with 1 to 100 entries. The envelope is checked as a whole (a malformed one is a
 * 400 for the request and nothing runs); each entry is checked on its own, so an invalid one fails alone.
 */
function batchBody<S extends z.ZodType>(entry: S) {
  return z.strictObject({
    items: z
      .array(entryOf(entry))
      .min(1, "Give at least one entry.")
      .max(maxBatchEntries, `A batch has at most ${maxBatchEntries} entries.`)
      .meta({
        description: `1 to ${maxBatchEntries} entries. Each is validated and written on its own; results come back in the same order.`,
      }),
  });
}

/** One entry of a batch update: which record, what changes, and optionally the ETag it must still have. */
function batchUpdateEntry<I extends z.ZodType, C extends z.ZodType>(id: I, changes: C) {
  return z.strictObject({
    id,
    changes,
    ifMatch: z.string().min(1).max(1000).optional().meta({
      description: "Like the If-Match header of a single update: apply only if the record's ETag is still this one.",
      example: '"3"',
    }),
  });
}

/** The response of a batch: one result per entry, in the order of the request. */
function batchResultsSchema<R extends z.ZodType>(record: R) {
  return z.object({
    results: z.array(
      z.object({
        index: z.number().int().min(0).meta({ description: "The entry's position in `items`." }),
        status: z.number().int().meta({
          description:
            "What the entry's own request would have answered: 201 created, 200 updated, or the status of `error`.",
          example: 201,
        }),
        data: record.optional().meta({ description: "The created or updated record, when the entry succeeded." }),
        error: problemSchema.optional().meta({
          description: "Why the entry failed, as problem details; validation paths start at `body.items.<index>`.",
        }),
      }),
    ),
    succeeded: z.number().int().min(0),
    failed: z.number().int().min(0),
  });
}

/** What an update entry holds once valid. */
export type BatchUpdate<C> = { id: string; changes: C; ifMatch?: string | undefined };

export const batchCreateContactsInput = batchBody(createContactInput).meta({ id: "BatchCreateContactsInput" });
export const batchUpdateContactsInput = batchBody(
  batchUpdateEntry(contactIdParam, updateContactInput).meta({ id: "ContactBatchUpdate" }),
).meta({ id: "BatchUpdateContactsInput" });
export const contactBatchResultsSchema = batchResultsSchema(contactSchema).meta({ id: "ContactBatchResults" });

export const batchCreateCompaniesInput = batchBody(createCompanyInput).meta({ id: "BatchCreateCompaniesInput" });
export const batchUpdateCompaniesInput = batchBody(
  batchUpdateEntry(companyIdParam, updateCompanyInput).meta({ id: "CompanyBatchUpdate" }),
).meta({ id: "BatchUpdateCompaniesInput" });
export const companyBatchResultsSchema = batchResultsSchema(companySchema).meta({ id: "CompanyBatchResults" });

export const batchCreateDealsInput = batchBody(createDealInput).meta({ id: "BatchCreateDealsInput" });
export const batchUpdateDealsInput = batchBody(
  batchUpdateEntry(dealIdParam, updateDealInput).meta({ id: "DealBatchUpdate" }),
).meta({ id: "BatchUpdateDealsInput" });
export const dealBatchResultsSchema = batchResultsSchema(dealSchema).meta({ id: "DealBatchResults" });
