import { z } from "zod";
import { matchKeyKinds, mergeableRecordTypes } from "../../capabilities/duplicates/duplicates.constants";
import { pageCursor, pageLimit } from "../../platform/schema";

const matchedOn = z
  .object({
    kind: z.enum(matchKeyKinds).meta({
      description:
        "What the records share: a normalised `email`, `phone` digits, a contact's `name` at its primary company (`<companyId>:<folded name>`), a company's `domain` or `name`.",
    }),
    value: z.string().meta({ example: "ada@example.com", description: "The normalised value they share." }),
  })
  .meta({ id: "MatchKey" });

export const listDuplicatesQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  type: z
    .enum(mergeableRecordTypes)
    .default("contact")
    .meta({ description: "Candidates among contacts (default) or companies." }),
});
export type ListDuplicatesQuery = z.infer<typeof listDuplicatesQuery>;

export const duplicateGroupSchema = z
  .object({
    type: z.enum(mergeableRecordTypes),
    matchedOn,
    recordIds: z
      .array(z.string().meta({ example: "con_01jd8x6e0q3w5r7t9y1u3i5o7p" }))
      .min(2)
      .meta({ description: "Every record that shares the value, oldest holder first." }),
  })
  .meta({ id: "DuplicateGroup" });
export type DuplicateGroup = z.infer<typeof duplicateGroupSchema>;

export const duplicateCandidateSchema = z
  .object({
    id: z.string().meta({ example: "con_01jd8x6e0q3w5r7t9y1u3i5o7p" }),
    matchedOn: z.array(matchedOn).meta({ description: "Every value this record shares with the one asked about." }),
  })
  .meta({ id: "DuplicateCandidate" });
export type DuplicateCandidate = z.infer<typeof duplicateCandidateSchema>;

export const duplicateCandidatesSchema = z
  .object({ data: z.array(duplicateCandidateSchema) })
  .meta({ id: "DuplicateCandidates" });
export type DuplicateCandidates = z.infer<typeof duplicateCandidatesSchema>;
