/**
 * The route table, declared once. `stacks/` registers every entry on the HTTP API, the local gateway serves every
 * entry, the handler factory reads an entry's access rule, and the OpenAPI document lists every entry.
 * Free of runtime dependencies: SST's config loader imports it.
 */

export const roles = ["admin", "manager", "member", "viewer"] as const;
export type Role = (typeof roles)[number];

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call a route:
 * - `public`: anyone, no token;
 * - `signed-in`: any valid token, no organisation involved (the route is not under /v1/orgs/{orgId});
 * - a list of roles: a valid token whose email is a member of the path's organisation with one of these roles.
 */
export type RouteAccess = "public" | "signed-in" | readonly Role[];

export type RouteDeclaration = {
  readonly method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. */
  readonly path: string;
  /** SST handler string: file path from the repository root without extension, then `.handler`. */
  readonly handler: string;
  readonly access: RouteAccess;
};

const everyRole = roles;
const editors = ["admin", "manager", "member"] as const satisfies readonly Role[];
const managers = ["admin", "manager"] as const satisfies readonly Role[];
const adminsOnly = ["admin"] as const satisfies readonly Role[];

const http = (file: string) => `packages/functions/src/http/${file}.handler`;

export const routes = {
  "health.get": { method: "GET", path: "/health", handler: http("health/get"), access: "public" },
  "openapi.get": { method: "GET", path: "/openapi.json", handler: http("docs/openapi"), access: "public" },
  "eventSchema.get": {
    method: "GET",
    path: "/events/schema.json",
    handler: http("docs/event-schema"),
    access: "public",
  },

  "orgs.create": { method: "POST", path: "/v1/orgs", handler: http("orgs/create"), access: "signed-in" },
  "orgs.list": { method: "GET", path: "/v1/orgs", handler: http("orgs/list"), access: "signed-in" },
  "orgs.get": { method: "GET", path: "/v1/orgs/{orgId}", handler: http("orgs/get"), access: everyRole },

  "members.list": { method: "GET", path: "/v1/orgs/{orgId}/members", handler: http("members/list"), access: everyRole },
  "members.add": { method: "POST", path: "/v1/orgs/{orgId}/members", handler: http("members/add"), access: adminsOnly },
  "members.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/members/{memberId}",
    handler: http("members/update"),
    access: adminsOnly,
  },
  "members.remove": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/members/{memberId}",
    handler: http("members/remove"),
    access: adminsOnly,
  },

  "contacts.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/contacts",
    handler: http("contacts/create"),
    access: editors,
  },
  "contacts.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts",
    handler: http("contacts/list"),
    access: everyRole,
  },
  "contacts.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}",
    handler: http("contacts/get"),
    access: everyRole,
  },
  "contacts.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/contacts/{contactId}",
    handler: http("contacts/update"),
    access: editors,
  },
  "contacts.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/contacts/{contactId}",
    handler: http("contacts/delete"),
    access: editors,
  },

  "companies.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies",
    handler: http("companies/create"),
    access: editors,
  },
  "companies.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies",
    handler: http("companies/list"),
    access: everyRole,
  },
  "companies.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}",
    handler: http("companies/get"),
    access: everyRole,
  },
  "companies.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/companies/{companyId}",
    handler: http("companies/update"),
    access: editors,
  },
  "companies.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/companies/{companyId}",
    handler: http("companies/delete"),
    access: editors,
  },

  "pipelines.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/pipelines",
    handler: http("pipelines/create"),
    access: managers,
  },
  "pipelines.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/pipelines",
    handler: http("pipelines/list"),
    access: everyRole,
  },
  "pipelines.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}",
    handler: http("pipelines/get"),
    access: everyRole,
  },
  "pipelines.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}",
    handler: http("pipelines/update"),
    access: managers,
  },
  "pipelines.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}",
    handler: http("pipelines/delete"),
    access: managers,
  },
  "pipelines.board": {
    method: "GET",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}/board",
    handler: http("pipelines/board"),
    access: everyRole,
  },
  "pipelines.rottingDeals": {
    method: "GET",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}/rotting-deals",
    handler: http("pipelines/rotting-deals"),
    access: everyRole,
  },

  "deals.create": { method: "POST", path: "/v1/orgs/{orgId}/deals", handler: http("deals/create"), access: editors },
  "deals.list": { method: "GET", path: "/v1/orgs/{orgId}/deals", handler: http("deals/list"), access: everyRole },
  "deals.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}",
    handler: http("deals/get"),
    access: everyRole,
  },
  "deals.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/deals/{dealId}",
    handler: http("deals/update"),
    access: editors,
  },
  "deals.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/deals/{dealId}",
    handler: http("deals/delete"),
    access: editors,
  },
  "deals.moveStage": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/deals/{dealId}/stage",
    handler: http("deals/move-stage"),
    access: editors,
  },
  "deals.stageHistory": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/stage-history",
    handler: http("deals/stage-history"),
    access: everyRole,
  },

  "activities.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/activities",
    handler: http("activities/create"),
    access: editors,
  },
  "activities.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: http("activities/get"),
    access: everyRole,
  },
  "activities.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: http("activities/update"),
    access: editors,
  },
  "activities.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: http("activities/delete"),
    access: editors,
  },
  "tasks.listOpen": {
    method: "GET",
    path: "/v1/orgs/{orgId}/tasks",
    handler: http("tasks/list-open"),
    access: everyRole,
  },
  "tasks.listOverdue": {
    method: "GET",
    path: "/v1/orgs/{orgId}/tasks/overdue",
    handler: http("tasks/list-overdue"),
    access: everyRole,
  },
  "contacts.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}/timeline",
    handler: http("contacts/timeline"),
    access: everyRole,
  },
  "companies.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/timeline",
    handler: http("companies/timeline"),
    access: everyRole,
  },
  "deals.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/timeline",
    handler: http("deals/timeline"),
    access: everyRole,
  },

  "contacts.batchCreate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/contacts/batch-create",
    handler: http("contacts/batch-create"),
    access: editors,
  },
  "contacts.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/contacts/batch-update",
    handler: http("contacts/batch-update"),
    access: editors,
  },
  "companies.batchCreate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies/batch-create",
    handler: http("companies/batch-create"),
    access: editors,
  },
  "companies.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies/batch-update",
    handler: http("companies/batch-update"),
    access: editors,
  },
  "deals.batchCreate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/deals/batch-create",
    handler: http("deals/batch-create"),
    access: editors,
  },
  "deals.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/deals/batch-update",
    handler: http("deals/batch-update"),
    access: editors,
  },

  "contacts.associations": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}/associations",
    handler: http("contacts/associations"),
    access: everyRole,
  },
  "companies.associations": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/associations",
    handler: http("companies/associations"),
    access: everyRole,
  },
  "deals.associations": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/associations",
    handler: http("deals/associations"),
    access: everyRole,
  },

  "trash.list": { method: "GET", path: "/v1/orgs/{orgId}/trash", handler: http("trash/list"), access: everyRole },
  "trash.restore": {
    method: "POST",
    path: "/v1/orgs/{orgId}/trash/{recordId}/restore",
    handler: http("trash/restore"),
    access: editors,
  },

  "automationRules.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/automation-rules",
    handler: http("automation-rules/create"),
    access: managers,
  },
  "automationRules.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/automation-rules",
    handler: http("automation-rules/list"),
    access: managers,
  },
  "automationRules.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}",
    handler: http("automation-rules/get"),
    access: managers,
  },
  "automationRules.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}",
    handler: http("automation-rules/update"),
    access: managers,
  },
  "automationRules.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}",
    handler: http("automation-rules/delete"),
    access: managers,
  },
  "automationRules.dryRun": {
    method: "POST",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}/dry-run",
    handler: http("automation-rules/dry-run"),
    access: managers,
  },
  "automationRules.runs": {
    method: "GET",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}/runs",
    handler: http("automation-rules/runs"),
    access: managers,
  },

  "audit.list": { method: "GET", path: "/v1/orgs/{orgId}/audit", handler: http("audit/list"), access: adminsOnly },
  "search.query": {
    method: "GET",
    path: "/v1/orgs/{orgId}/search",
    handler: http("search/query"),
    access: everyRole,
  },

  "webhooks.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/webhooks",
    handler: http("webhooks/create"),
    access: adminsOnly,
  },
  "webhooks.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/webhooks",
    handler: http("webhooks/list"),
    access: adminsOnly,
  },
  "webhooks.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}",
    handler: http("webhooks/get"),
    access: adminsOnly,
  },
  "webhooks.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}",
    handler: http("webhooks/update"),
    access: adminsOnly,
  },
  "webhooks.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}",
    handler: http("webhooks/delete"),
    access: adminsOnly,
  },
  "webhooks.rotateSecret": {
    method: "POST",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}/rotate-secret",
    handler: http("webhooks/rotate-secret"),
    access: adminsOnly,
  },
  "webhooks.listDeliveries": {
    method: "GET",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries",
    handler: http("webhooks/list-deliveries"),
    access: adminsOnly,
  },
  "webhooks.replayDelivery": {
    method: "POST",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}/replay",
    handler: http("webhooks/replay-delivery"),
    access: adminsOnly,
  },
  "notifications.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/notifications",
    handler: http("notifications/list"),
    access: everyRole,
  },
} as const satisfies Record<string, RouteDeclaration>;

export type RouteId = keyof typeof routes;

/**
 * Serves every request that matches no route: in AWS it is the HTTP API's `$default` route, locally the gateway
 * calls it for the same requests, so unknown paths (404) and wrong methods (405 with `Allow`) answer alike.
 */
export const fallbackRoute = { handler: http("fallback") } as const;

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
