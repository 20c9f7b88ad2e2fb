import { httpHandler, managers, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Automation rules, their dry runs and their run logs.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in automation.contract.ts.
 */
export const automationRoutes = {
  "automationRules.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/automation-rules",
    handler: httpHandler("automation-rules/create"),
    access: managers,
    scope: "automation",
  },
  "automationRules.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/automation-rules",
    handler: httpHandler("automation-rules/list"),
    access: managers,
    scope: "automation",
  },
  "automationRules.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}",
    handler: httpHandler("automation-rules/get"),
    access: managers,
    scope: "automation",
  },
  "automationRules.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}",
    handler: httpHandler("automation-rules/update"),
    access: managers,
    scope: "automation",
  },
  "automationRules.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}",
    handler: httpHandler("automation-rules/delete"),
    access: managers,
    scope: "automation",
  },
  "automationRules.dryRun": {
    method: "POST",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}/dry-run",
    handler: httpHandler("automation-rules/dry-run"),
    access: managers,
    scope: "automation",
  },
  "automationRules.runs": {
    method: "GET",
    path: "/v1/orgs/{orgId}/automation-rules/{ruleId}/runs",
    handler: httpHandler("automation-rules/runs"),
    access: managers,
    scope: "automation",
  },
} as const satisfies Record<string, RouteDeclaration>;
