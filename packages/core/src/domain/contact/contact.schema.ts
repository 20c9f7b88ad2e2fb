import { z } from "zod";
import {
  customFieldValues,
  customFieldValuesInput,
  sortOrderParameter,
} from "../../capabilities/custom-fields/custom-field.schema";
import { filterQueryParameter } from "../../capabilities/filter/filter";
import { contactIdParam } from "../../platform/path-parameters";
import { emailAddress, pageCursor, pageLimit, recordId, tag, tagList, text, timestamp } from "../../platform/schema";

const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()\-.]{3,32}$/, "Must be a phone number: digits, spaces, ( ) - . and an optional leading +.")
  .refine((value) => value.replace(/\D/g, "").length >= 3, "Must contain at least 3 digits.")
  .meta({ example: "+44 20 7946 0958" });

const emails = z
  .array(emailAddress)
  .max(10)
  .transform((values) => [...new Set(values)])
  .meta({ description: "Unique within the organisation, case-insensitively; the first is the primary email." });

const contactFields = {
  firstName: text(100).meta({ example: "Ada" }),
  lastName: text(100).meta({ example: "Lovelace" }),
  emails,
  phones: z.array(phoneNumber).max(10),
  title: text(200).meta({ example: "Head of Engineering" }),
  ownerId: recordId("member").meta({ description: "The member who owns the contact; defaults to the creator." }),
  companyId: recordId("company").meta({
    description:
      "The primary company. Setting it makes it first in `companyIds` (adding it if needed); null removes the current primary company.",
  }),
  companyIds: z
    .array(recordId("company"))
    .max(10)
    .transform((ids) => [...new Set(ids)])
    .meta({ description: "Every company of the contact, primary first (at most 10)." }),
  tags: tagList,
};

export const createContactInput = z
  .strictObject({
    firstName: contactFields.firstName.optional(),
    lastName: contactFields.lastName.optional(),
    emails: contactFields.emails.optional(),
    phones: contactFields.phones.optional(),
    title: contactFields.title.optional(),
    ownerId: contactFields.ownerId.optional(),
    companyId: contactFields.companyId.nullable().optional(),
    companyIds: contactFields.companyIds.optional(),
    tags: contactFields.tags.optional(),
    customFields: customFieldValuesInput.optional(),
  })
  .refine((input) => input.firstName || input.lastName || (input.emails?.length ?? 0) > 0, {
    message: "A contact needs a first name, a last name or an email.",
  })
  .meta({ id: "CreateContactInput" });
export type CreateContactInput = z.infer<typeof createContactInput>;

export const updateContactInput = z
  .strictObject({
    firstName: contactFields.firstName.nullable().optional(),
    lastName: contactFields.lastName.nullable().optional(),
    emails: contactFields.emails.optional(),
    phones: contactFields.phones.optional(),
    title: contactFields.title.nullable().optional(),
    ownerId: contactFields.ownerId.optional(),
    companyId: contactFields.companyId.nullable().optional(),
    companyIds: contactFields.companyIds.optional(),
    tags: contactFields.tags.optional(),
    customFields: customFieldValuesInput.optional(),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({
    id: "UpdateContactInput",
    description:
      "Fields to change; `null` clears a field, arrays replace the stored list, absent fields stay as they are.",
  });
export type UpdateContactInput = z.infer<typeof updateContactInput>;

export const contactSortOrders = ["createdAt", "-createdAt", "lastName", "-lastName"] as const;

export const listContactsQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  ownerId: recordId("member").optional().meta({ description: "Only contacts owned by this member." }),
  companyId: recordId("company").optional().meta({
    description:
      "Only contacts whose primary company this is. Every contact of a company: `GET …/companies/{companyId}/associations?type=contact`.",
  }),
  tag: tag.optional().meta({
    description:
      "Only contacts with this tag. Alone (in creation order) it is served by the tag index, which follows writes within about a second.",
  }),
  filter: filterQueryParameter.optional(),
  sort: sortOrderParameter(contactSortOrders).default("-createdAt").meta({
    description:
      "Sort field; a leading `-` sorts descending. Each order is served by an index; custom fields are filters, not sort orders (a `400`). Default `-createdAt` (newest first).",
  }),
});
export type ListContactsQuery = z.infer<typeof listContactsQuery>;

export const contactSchema = z
  .object({
    id: contactIdParam,
    firstName: z.string().nullable().meta({ example: "Ada" }),
    lastName: z.string().nullable().meta({ example: "Lovelace" }),
    emails: z.array(z.string().meta({ example: "ada@example.com" })),
    phones: z.array(z.string().meta({ example: "+44 20 7946 0958" })),
    title: z.string().nullable().meta({ example: "Head of Engineering" }),
    ownerId: recordId("member"),
    companyId: recordId("company").nullable().meta({ description: "The primary company." }),
    companyIds: z.array(recordId("company")).meta({ description: "Every company of the contact, primary first." }),
    lastActivityAt: timestamp
      .nullable()
      .meta({ description: "When an activity linked to it was last logged or completed." }),
    tags: z.array(z.string()),
    customFields: customFieldValues,
    version: z.number().int().min(1).meta({
      description: "Increases with every change; the ETag header carries it for If-Match.",
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Contact" });
export type Contact = z.infer<typeof contactSchema>;
