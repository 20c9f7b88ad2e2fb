import { z } from "zod";
import { customFieldKey } from "../../capabilities/custom-fields/custom-field.schema";
import { maxMergedRecords } from "../../capabilities/duplicates/duplicates.constants";
import { companySchema } from "../../domain/company/company.schema";
import { contactSchema } from "../../domain/contact/contact.schema";
import { type IdKind, idPrefixes } from "../../platform/ids";
import { recordId } from "../../platform/schema";

/** A contact's fields whose value one record gives (the lists are the union of every record's). */
export const contactMergeFields = ["firstName", "lastName", "title", "ownerId", "companyId"] as const;
/** A company's fields whose value one record gives (tags are the union of every record's). */
export const companyMergeFields = ["name", "domain", "industry", "size", "address", "ownerId"] as const;

function mergeInput<const F extends readonly string[]>(kind: IdKind, fields: F, id: string) {
  const recordField = recordId(kind);
  return z
    .strictObject({
      survivorId: recordField.meta({ description: "The record that stays, with its id and history." }),
      mergedIds: z
        .array(recordField)
        .min(1)
        .max(maxMergedRecords)
        .meta({ description: `The records merged into it (1–${maxMergedRecords}); they go to the trash.` }),
      fields: z
        .strictObject({
          ...(Object.fromEntries(fields.map((field) => [field, recordField.optional()])) as {
            [K in F[number]]: z.ZodOptional<typeof recordField>;
          }),
          customFields: z
            .record(customFieldKey, recordField)
            .optional()
            .meta({
              description:
                "Per custom field key, the id of the record whose value wins (none, if it has none). Otherwise, as for the other fields, the survivor's value unless it has none, else the most recently updated record's.",
              example: { renewalDate: `${idPrefixes[kind]}_01jd8x6e0q3w5r7t9y1u3i5o7p` },
            }),
        })
        .optional()
        .meta({
          description:
            "Per field, the id of the record whose value wins. Otherwise the survivor's value unless it is empty, else the most recently updated record's non-empty value.",
        }),
      preview: z
        .boolean()
        .default(false)
        .meta({ description: "true: answer with the merged record and what would move, and change nothing." }),
    })
    .superRefine((input, context) => {
      const seen = new Set<string>();
      input.mergedIds.forEach((mergedId, index) => {
        if (mergedId === input.survivorId) {
          context.addIssue({
            code: "custom",
            path: ["mergedIds", index],
            message: "The survivor cannot merge into itself.",
          });
        } else if (seen.has(mergedId)) {
          context.addIssue({ code: "custom", path: ["mergedIds", index], message: "Each id may be given once." });
        }
        seen.add(mergedId);
      });
      const { customFields, ...builtIn } = (input.fields ?? {}) as {
        customFields?: Record<string, string>;
      } & Record<string, unknown>;
      const choices = [
        ...Object.entries(builtIn).map(([field, from]) => ({ path: ["fields", field], from })),
        ...Object.entries(customFields ?? {}).map(([key, from]) => ({ path: ["fields", "customFields", key], from })),
      ];
      for (const { path, from } of choices) {
        if (from !== undefined && from !== input.survivorId && !input.mergedIds.includes(from as string)) {
          context.addIssue({ code: "custom", path, message: "Must be the survivor's id or one of mergedIds." });
        }
      }
    })
    .meta({
      id,
      example: {
        survivorId: `${idPrefixes[kind]}_01jd8x4k2q7v3m9t5r1w6y8z0a`,
        mergedIds: [`${idPrefixes[kind]}_01jd8x6e0q3w5r7t9y1u3i5o7p`],
        preview: true,
      },
    });
}

export const mergeContactsInput = mergeInput("contact", contactMergeFields, "MergeContactsInput");
export type MergeContactsInput = z.infer<typeof mergeContactsInput>;
export const mergeCompaniesInput = mergeInput("company", companyMergeFields, "MergeCompaniesInput");
export type MergeCompaniesInput = z.infer<typeof mergeCompaniesInput>;

const movedLinks = z
  .object({
    id: z.string().meta({ example: "con_01jd8x4k2q7v3m9t5r1w6y8z0a", description: "A merged record." }),
    contacts: z.array(z.string()).meta({ description: "Contacts linked to it (a company's), moving to the survivor." }),
    deals: z.array(z.string()).meta({ description: "Deals linked to it, moving to the survivor." }),
    activities: z.array(z.string()).meta({ description: "Activities linked to it (its timeline), moving." }),
    files: z.array(z.string()).meta({ description: "Files on it, moving." }),
  })
  .meta({ id: "MergeMoves" });
export type MovedLinks = z.infer<typeof movedLinks>;

export const contactMergeSchema = z
  .object({
    preview: z.boolean(),
    record: contactSchema.meta({ description: "The survivor as merged (as it would be, in a preview)." }),
    mergedIds: z.array(z.string()),
    moves: z.array(movedLinks),
  })
  .meta({ id: "ContactMerge" });
export type ContactMerge = z.infer<typeof contactMergeSchema>;

export const companyMergeSchema = z
  .object({
    preview: z.boolean(),
    record: companySchema.meta({ description: "The survivor as merged (as it would be, in a preview)." }),
    mergedIds: z.array(z.string()),
    moves: z.array(movedLinks),
  })
  .meta({ id: "CompanyMerge" });
export type CompanyMerge = z.infer<typeof companyMergeSchema>;
