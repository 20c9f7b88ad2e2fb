import { everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * The caller's notifications.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in notification.contract.ts.
 */
export const notificationRoutes = {
  "notifications.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/notifications",
    handler: httpHandler("notifications/list"),
    access: everyRole,
  },
} as const satisfies Record<string, RouteDeclaration>;
