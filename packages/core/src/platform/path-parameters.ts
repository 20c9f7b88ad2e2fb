import { z } from "zod";
import { providerIds } from "../declarations/integrations";
import { recordId } from "./schema";

// Below the domains because every HTTP function validates its path with them (derived from its path template), and
// the domains' schemas use the same ids in their bodies and responses.
export const organisationIdParam = recordId("organisation").meta({ description: "Organisation id." });
export const memberIdParam = recordId("member").meta({ description: "Member id." });
export const contactIdParam = recordId("contact").meta({ description: "Contact id." });
export const companyIdParam = recordId("company").meta({ description: "Company id." });
export const pipelineIdParam = recordId("pipeline").meta({ description: "Pipeline id." });
export const dealIdParam = recordId("deal").meta({ description: "Deal id." });
export const activityIdParam = recordId("activity").meta({ description: "Activity id." });

export const trashedRecordIdParam = z
  .string()
  .regex(/^(con|com|dea|fil)_[0-9a-z]{1,64}$/, "Must be a contact, company, deal or file id.")
  .meta({ description: "The deleted record's id.", example: "con_01jd8x4k2q7v3m9t5r1w6y8z0a" });

export const ruleIdParam = z
  .string()
  .regex(/^rul_[0-9a-z]{26}$/, "Must be an automation rule id (rul_...).")
  .meta({ description: "Automation rule id.", example: "rul_01jd8x4k2q7v3m9t5r1w6y8z0a" });

export const webhookIdParam = z
  .string()
  .regex(/^whk_[0-9a-z]{26}$/, "Must be a webhook id (whk_...).")
  .meta({ description: "Webhook subscription id.", example: "whk_01jd8x4k2q7v3m9t5r1w6y8z0a" });

export const deliveryIdParam = z
  .string()
  .regex(/^dlv_[0-9a-z]{26}$/, "Must be a delivery id (dlv_...).")
  .meta({ description: "Delivery id.", example: "dlv_01jd8x4k2q0f3c9a17b2d4e6f8" });

export const fileIdParam = recordId("file").meta({ description: "File id." });
export const importIdParam = recordId("import").meta({ description: "Import id." });
export const exportIdParam = recordId("export").meta({ description: "Export id." });
export const apiKeyIdParam = recordId("apiKey").meta({ description: "API key id." });
export const connectionIdParam = recordId("integration").meta({ description: "Connection id." });
export const savedViewIdParam = recordId("savedView").meta({ description: "Saved view id." });
export const customFieldIdParam = recordId("customField").meta({ description: "Custom field id." });
export const providerParam = z.enum(providerIds).meta({ description: "The provider." });

/** The schema of every `{name}` a route path may hold: a name means the same thing in every route. */
export const pathParameters = {
  orgId: organisationIdParam,
  memberId: memberIdParam,
  contactId: contactIdParam,
  companyId: companyIdParam,
  pipelineId: pipelineIdParam,
  dealId: dealIdParam,
  activityId: activityIdParam,
  recordId: trashedRecordIdParam,
  ruleId: ruleIdParam,
  webhookId: webhookIdParam,
  deliveryId: deliveryIdParam,
  connectionId: connectionIdParam,
  provider: providerParam,
  fileId: fileIdParam,
  importId: importIdParam,
  exportId: exportIdParam,
  keyId: apiKeyIdParam,
  fieldId: customFieldIdParam,
  viewId: savedViewIdParam,
} as const;

export type PathParameterName = keyof typeof pathParameters;

/** The `{name}`s of a path template: `/v1/orgs/{orgId}/contacts/{contactId}` gives `"orgId" | "contactId"`. */
export type PathParameterNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParameterNames<Rest>
  : never;

/** The strict schema of a path's parameters, from the registry above. */
export type PathParametersSchema<Path extends string> = z.ZodObject<
  { -readonly [Name in PathParameterNames<Path> & PathParameterName]: (typeof pathParameters)[Name] },
  z.core.$strict
>;

/** The strict schema of a path template's parameters, in the order they appear; none for a path without any. */
export function pathParametersOf<Path extends string>(path: Path): PathParametersSchema<Path> | undefined {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((found) => found[1] as string);
  if (names.length === 0) return undefined;
  const shape = Object.fromEntries(
    names.map((name) => {
      if (!(name in pathParameters)) throw new Error(`No schema for the path parameter {${name}} of ${path}.`);
      return [name, pathParameters[name as PathParameterName]];
    }),
  );
  return z.strictObject(shape) as unknown as PathParametersSchema<Path>;
}
