/**
 * The route table, assembled from the `*.routes.ts` beside each domain. `stacks/` registers every entry on the HTTP
 * API, the local gateway serves every entry, the handler factory reads an entry's access rule, and the OpenAPI
 * document lists every entry. Free of runtime dependencies, like every file it imports: SST's config loader imports
 * it.
 */

import { systemRoutes } from "../api/system.routes";
import { auditRoutes } from "../capabilities/audit/audit.routes";
import { changeFeedRoutes } from "../capabilities/change-feed/change-feed.routes";
import { customFieldRoutes } from "../capabilities/custom-fields/custom-field.routes";
import { searchRoutes } from "../capabilities/search/search.routes";
import { activityRoutes } from "../domain/activity/activity.routes";
import { associationRoutes } from "../domain/association/association.routes";
import { companyRoutes } from "../domain/company/company.routes";
import { contactRoutes } from "../domain/contact/contact.routes";
import { dealRoutes } from "../domain/deal/deal.routes";
import { memberRoutes } from "../domain/member/member.routes";
import { organisationRoutes } from "../domain/organisation/organisation.routes";
import { pipelineRoutes } from "../domain/pipeline/pipeline.routes";
import { apiKeyRoutes } from "../features/api-key/api-key.routes";
import { automationRoutes } from "../features/automation/automation.routes";
import { batchRoutes } from "../features/batch/batch.routes";
import { duplicateRoutes } from "../features/duplicate/duplicate.routes";
import { exportRoutes } from "../features/export/export.routes";
import { fileRoutes } from "../features/file/file.routes";
import { importRoutes } from "../features/import/import.routes";
import { integrationRoutes } from "../features/integration/integration.routes";
import { notificationRoutes } from "../features/notification/notification.routes";
import { recordSchemaRoutes } from "../features/record-schema/record-schema.routes";
import { savedViewRoutes } from "../features/saved-view/saved-view.routes";
import { trashRoutes } from "../features/trash/trash.routes";
import { webhookRoutes } from "../features/webhook/webhook.routes";
import { type HttpMethod, httpHandler, type RouteDeclaration } from "./route-declaration";

export {
  type ApiKeyScope,
  apiKeyScopeFor,
  apiKeyScopes,
  type HttpMethod,
  type Role,
  type RouteAccess,
  type RouteDeclaration,
  roles,
  scopesGrant,
} from "./route-declaration";

export const routes = {
  ...systemRoutes,
  ...organisationRoutes,
  ...memberRoutes,
  ...contactRoutes,
  ...companyRoutes,
  ...pipelineRoutes,
  ...dealRoutes,
  ...activityRoutes,
  ...batchRoutes,
  ...associationRoutes,
  ...trashRoutes,
  ...duplicateRoutes,
  ...automationRoutes,
  ...auditRoutes,
  ...changeFeedRoutes,
  ...searchRoutes,
  ...webhookRoutes,
  ...notificationRoutes,
  ...integrationRoutes,
  ...fileRoutes,
  ...exportRoutes,
  ...importRoutes,
  ...apiKeyRoutes,
  ...savedViewRoutes,
  ...customFieldRoutes,
  ...recordSchemaRoutes,
} as const satisfies Record<string, RouteDeclaration>;

export type RouteId = keyof typeof routes;

/**
 * Serves every request that matches no route: in AWS it is the HTTP API's `$default` route, locally the gateway
 * calls it for the same requests, so unknown paths (404) and wrong methods (405 with `Allow`) answer alike.
 */
export const fallbackRoute = { handler: httpHandler("fallback") } as const;

export type RouteMatch =
  | { kind: "route"; routeId: RouteId; pathParameters: Record<string, string> }
  | { kind: "method-not-allowed"; allow: HttpMethod[] }
  | { kind: "not-found" };

type CompiledRoute = { routeId: RouteId; method: HttpMethod; pattern: RegExp; names: string[] };

const compiledRoutes: CompiledRoute[] = (Object.entries(routes) as [RouteId, RouteDeclaration][]).map(
  ([routeId, route]) => {
    const names: string[] = [];
    const source = route.path
      .split("/")
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
        names.push(param[1]);
        return "([^/]+)";
      })
      .join("/");
    return { routeId, method: route.method, pattern: new RegExp(`^${source}$`), names };
  },
);

/**
 * Finds the route for a method and a raw path, the way API Gateway does: literal segments match exactly, a
 * `{param}` matches one non-empty segment. A path that exists under other methods is a 405, not a 404.
 */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const allow = new Set<HttpMethod>();
  for (const route of compiledRoutes) {
    const found = route.pattern.exec(rawPath);
    if (!found) continue;
    if (route.method === method.toUpperCase()) {
      const pathParameters: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParameters[name] = decodePathSegment(found[index + 1] ?? "");
      });
      return { kind: "route", routeId: route.routeId, pathParameters };
    }
    allow.add(route.method);
  }
  return allow.size > 0 ? { kind: "method-not-allowed", allow: [...allow] } : { kind: "not-found" };
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // API Gateway passes undecodable segments through as they are; the handler's validation rejects them.
    return segment;
  }
}
