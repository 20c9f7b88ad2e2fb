import { z } from "zod";
import { searchableRecordTypes } from "./search.constants";

export const searchMatches = ["exact", "prefix"] as const;

const recordTypeList = z
  .string()
  .transform((value) => [
    ...new Set(
      value
        .split(",")
        .map((type) => type.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(z.enum(searchableRecordTypes)).min(1, "Name at least one record type."));

export const searchQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).meta({
    description:
      "What to look for: the start of a name, an email, a domain, phone digits or a deal title. Case, accents, spaces and punctuation are ignored, so `ada lov` finds Ada Lovelace and `+44 20` finds +44 20 7946 0958.",
    example: "ada lov",
  }),
  types: recordTypeList.optional().meta({
    description: `Comma-separated record types to search (${searchableRecordTypes.join(", ")}); default all.`,
    example: "contact,company",
  }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(20)
    .meta({ description: "Most results to return, 1 to 50 (default 20).", example: 20 }),
});
export type SearchQuery = z.infer<typeof searchQuery>;

export const searchResultSchema = z
  .object({
    type: z.enum(searchableRecordTypes),
    id: z.string(),
    label: z
      .string()
      .meta({ description: "What to show: a contact's name (or email), a company's name, a deal's title." }),
    detail: z
      .string()
      .nullable()
      .meta({ description: "A second line: a contact's primary email or phone, a company's domain, a deal's value." }),
    match: z.enum(searchMatches).meta({
      description: "`exact` when one of the record's terms equals the query, `prefix` when one starts with it.",
    }),
  })
  .meta({ id: "SearchResult" });
export type SearchResult = z.infer<typeof searchResultSchema>;

export const searchResultsSchema = z
  .object({ data: z.array(searchResultSchema) })
  .meta({ id: "SearchResults", description: "Exact matches first, then prefix matches, each in a stable order." });
export type SearchResults = z.infer<typeof searchResultsSchema>;
