import { adminsOnly, everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * An organisation's members and their roles.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in member.contract.ts.
 */
export const memberRoutes = {
  "members.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/members",
    handler: httpHandler("members/list"),
    access: everyRole,
    scope: "members",
  },
  "members.add": {
    method: "POST",
    path: "/v1/orgs/{orgId}/members",
    handler: httpHandler("members/add"),
    access: adminsOnly,
  },
  "members.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/members/{memberId}",
    handler: httpHandler("members/update"),
    access: adminsOnly,
  },
  "members.remove": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/members/{memberId}",
    handler: httpHandler("members/remove"),
    access: adminsOnly,
  },
} as const satisfies Record<string, RouteDeclaration>;
