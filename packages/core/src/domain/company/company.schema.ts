import { z } from "zod";
import {
  customFieldValues,
  customFieldValuesInput,
  sortOrderParameter,
} from "../../capabilities/custom-fields/custom-field.schema";
import { filterQueryParameter } from "../../capabilities/filter/filter";
import { companyIdParam } from "../../platform/path-parameters";
import { pageCursor, pageLimit, recordId, tag, tagList, text, timestamp } from "../../platform/schema";
import { companySizes } from "./company.constants";

/** Accepts `acme.com`, `www.Acme.com` or `https://acme.com/about` and keeps the bare lower-case host name. */
export const companyDomain = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .transform((value, context) => {
    let host: string;
    try {
      host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`).hostname;
    } catch {
      host = "";
    }
    host = host
      .toLowerCase()
      .replace(/^www\./, "")
      .replace(/\.$/, "");
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(host)) {
      context.addIssue({ code: "custom", message: "Must be a domain name such as example.com." });
      return z.NEVER;
    }
    return host;
  })
  .meta({ example: "acme.com", description: "Unique within the organisation; stored as a bare lower-case host name." });

export const companySizeSchema = z.enum(companySizes).meta({ description: "Number of employees." });

const address = z
  .strictObject({
    street: text(200).optional().meta({ example: "1 Market Street" }),
    city: text(100).optional().meta({ example: "London" }),
    region: text(100).optional().meta({ example: "Greater London" }),
    postalCode: text(20).optional().meta({ example: "EC1A 1AA" }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "Must be an ISO 3166-1 alpha-2 country code such as GB.")
      .optional()
      .meta({ example: "GB" }),
  })
  .meta({ id: "Address" });

export const createCompanyInput = z
  .strictObject({
    name: text(200).meta({ example: "Acme Ltd" }),
    domain: companyDomain.optional(),
    industry: text(100).optional().meta({ example: "Manufacturing" }),
    size: companySizeSchema.optional(),
    address: address.optional(),
    ownerId: recordId("member").optional().meta({ description: "Defaults to the creator." }),
    tags: tagList.optional(),
    customFields: customFieldValuesInput.optional(),
  })
  .meta({ id: "CreateCompanyInput" });
export type CreateCompanyInput = z.infer<typeof createCompanyInput>;

export const updateCompanyInput = z
  .strictObject({
    name: text(200).optional().meta({ example: "Acme Ltd" }),
    domain: companyDomain.nullable().optional(),
    industry: text(100).nullable().optional().meta({ example: "Manufacturing" }),
    size: companySizeSchema.nullable().optional(),
    address: address.nullable().optional(),
    ownerId: recordId("member").optional(),
    tags: tagList.optional(),
    customFields: customFieldValuesInput.optional(),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({
    id: "UpdateCompanyInput",
    description: "Fields to change; `null` clears a field, `address` and `tags` replace the stored value.",
  });
export type UpdateCompanyInput = z.infer<typeof updateCompanyInput>;

export const companySortOrders = ["createdAt", "-createdAt", "name", "-name"] as const;

export const listCompaniesQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  ownerId: recordId("member").optional().meta({ description: "Only companies owned by this member." }),
  tag: tag.optional().meta({
    description:
      "Only companies with this tag. Alone (in creation order) it is served by the tag index, which follows writes within about a second.",
  }),
  filter: filterQueryParameter.optional(),
  sort: sortOrderParameter(companySortOrders).default("-createdAt").meta({
    description:
      "Sort field; a leading `-` sorts descending. Each order is served by an index; custom fields are filters, not sort orders (a `400`). Default `-createdAt`.",
  }),
});
export type ListCompaniesQuery = z.infer<typeof listCompaniesQuery>;

export const companySchema = z
  .object({
    id: companyIdParam,
    name: z.string().meta({ example: "Acme Ltd" }),
    domain: z.string().nullable().meta({ example: "acme.com" }),
    industry: z.string().nullable().meta({ example: "Manufacturing" }),
    size: companySizeSchema.nullable(),
    address: z
      .object({
        street: z.string().optional().meta({ example: "1 Market Street" }),
        city: z.string().optional().meta({ example: "London" }),
        region: z.string().optional().meta({ example: "Greater London" }),
        postalCode: z.string().optional().meta({ example: "EC1A 1AA" }),
        country: z.string().optional().meta({ example: "GB" }),
      })
      .nullable(),
    lastActivityAt: timestamp
      .nullable()
      .meta({ description: "When an activity linked to it was last logged or completed." }),
    ownerId: recordId("member"),
    tags: z.array(z.string()),
    customFields: customFieldValues,
    version: z.number().int().min(1).meta({
      description: "Increases with every change; the ETag header carries it for If-Match.",
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Company" });
export type Company = z.infer<typeof companySchema>;
