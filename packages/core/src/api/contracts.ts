import { auditContracts } from "../capabilities/audit/audit.contract";
import { changeFeedContracts } from "../capabilities/change-feed/change-feed.contract";
import { customFieldContracts } from "../capabilities/custom-fields/custom-field.contract";
import { searchContracts } from "../capabilities/search/search.contract";
import { type RouteId, routes } from "../declarations/routes";
import { activityContracts } from "../domain/activity/activity.contract";
import { associationContracts } from "../domain/association/association.contract";
import { companyContracts } from "../domain/company/company.contract";
import { contactContracts } from "../domain/contact/contact.contract";
import { dealContracts } from "../domain/deal/deal.contract";
import { memberContracts } from "../domain/member/member.contract";
import { organisationContracts } from "../domain/organisation/organisation.contract";
import { pipelineContracts } from "../domain/pipeline/pipeline.contract";
import { apiKeyContracts } from "../features/api-key/api-key.contract";
import { automationContracts } from "../features/automation/automation.contract";
import { batchContracts } from "../features/batch/batch.contract";
import { duplicateContracts } from "../features/duplicate/duplicate.contract";
import { exportContracts } from "../features/export/export.contract";
import { fileContracts } from "../features/file/file.contract";
import { importContracts } from "../features/import/import.contract";
import { integrationContracts } from "../features/integration/integration.contract";
import { notificationContracts } from "../features/notification/notification.contract";
import { recordSchemaContracts } from "../features/record-schema/record-schema.contract";
import { savedViewContracts } from "../features/saved-view/saved-view.contract";
import { trashContracts } from "../features/trash/trash.contract";
import { webhookContracts } from "../features/webhook/webhook.contract";
import type { PathParameterName, PathParameterNames, PathParametersSchema } from "../platform/path-parameters";
import { type RouteContract, withPathParameters } from "../platform/route-contract";
import { systemContracts } from "./system.contract";

export type { ResponseContract, RouteContract, TextDocument } from "../platform/route-contract";

const declaredContracts = {
  ...systemContracts,
  ...organisationContracts,
  ...memberContracts,
  ...contactContracts,
  ...companyContracts,
  ...pipelineContracts,
  ...dealContracts,
  ...activityContracts,
  ...batchContracts,
  ...associationContracts,
  ...trashContracts,
  ...duplicateContracts,
  ...automationContracts,
  ...auditContracts,
  ...changeFeedContracts,
  ...searchContracts,
  ...webhookContracts,
  ...notificationContracts,
  ...integrationContracts,
  ...fileContracts,
  ...exportContracts,
  ...importContracts,
  ...apiKeyContracts,
  ...savedViewContracts,
  ...customFieldContracts,
  ...recordSchemaContracts,
} as const satisfies Record<RouteId, RouteContract>;

// Each `*.contract.ts` has exactly its `*.routes.ts`'s ids; these make the compiler check the two assemblies too.
const everyContractHasARoute: Record<Exclude<keyof typeof declaredContracts, RouteId>, never> = {};
const everyPathParameterHasASchema: Record<
  Exclude<PathParameterNames<(typeof routes)[RouteId]["path"]>, PathParameterName>,
  never
> = {};
void everyContractHasARoute;
void everyPathParameterHasASchema;

type Path<R extends RouteId> = (typeof routes)[R]["path"];
type WithPathParameters<R extends RouteId> = [PathParameterNames<Path<R>>] extends [never]
  ? (typeof declaredContracts)[R]
  : (typeof declaredContracts)[R] & { params: PathParametersSchema<Path<R>> };

/**
 * What each route accepts and answers, keyed by route id: the declarations beside each domain, with the path
 * parameters' schemas derived from the route's path. The OpenAPI document is generated from them; a handler's factory
 * builds its own route's contract the same way from its domain's declarations, so it need not import this table.
 */
export const contracts = Object.fromEntries(
  (Object.keys(declaredContracts) as RouteId[]).map((routeId) => [
    routeId,
    withPathParameters(routes[routeId].path, declaredContracts[routeId]),
  ]),
) as { [R in RouteId]: WithPathParameters<R> };

export type Contracts = typeof contracts;

/** The contracts as declared beside each domain (without path parameters): what a handler hands its factory. */
export type DeclaredContracts = typeof declaredContracts;
