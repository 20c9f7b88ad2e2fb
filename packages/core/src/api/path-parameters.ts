import { z } from "zod";
import { activityIdParam } from "../domain/activity/activity.schema";
import { companyIdParam } from "../domain/company/company.schema";
import { contactIdParam } from "../domain/contact/contact.schema";
import { dealIdParam } from "../domain/deal/deal.schema";
import { memberIdParam } from "../domain/member/member.schema";
import { organisationIdParam } from "../domain/organisation/organisation.schema";
import { pipelineIdParam } from "../domain/pipeline/pipeline.schema";
import { ruleIdParam } from "../features/automation/automation.schema";
import { connectionIdParam, providerParam } from "../features/integration/connection.schema";
import { trashedRecordIdParam } from "../features/trash/trash.schema";
import { deliveryIdParam, webhookIdParam } from "../features/webhook/webhook.schema";

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
