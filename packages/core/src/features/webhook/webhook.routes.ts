import { adminsOnly, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Webhook subscriptions and their deliveries.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in webhook.contract.ts.
 * The routes that seal or open signing secrets (create, rotate, replay) use the vault; the others never touch them.
 */
export const webhookRoutes = {
  "webhooks.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/webhooks",
    handler: httpHandler("webhooks/create"),
    access: adminsOnly,
    scope: "webhooks",
    uses: ["vault"],
  },
  "webhooks.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/webhooks",
    handler: httpHandler("webhooks/list"),
    access: adminsOnly,
    scope: "webhooks",
  },
  "webhooks.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}",
    handler: httpHandler("webhooks/get"),
    access: adminsOnly,
    scope: "webhooks",
  },
  "webhooks.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}",
    handler: httpHandler("webhooks/update"),
    access: adminsOnly,
    scope: "webhooks",
  },
  "webhooks.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}",
    handler: httpHandler("webhooks/delete"),
    access: adminsOnly,
    scope: "webhooks",
  },
  "webhooks.rotateSecret": {
    method: "POST",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}/rotate-secret",
    handler: httpHandler("webhooks/rotate-secret"),
    access: adminsOnly,
    scope: "webhooks",
    uses: ["vault"],
  },
  "webhooks.listDeliveries": {
    method: "GET",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries",
    handler: httpHandler("webhooks/list-deliveries"),
    access: adminsOnly,
    scope: "webhooks",
  },
  "webhooks.replayDelivery": {
    method: "POST",
    path: "/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}/replay",
    handler: httpHandler("webhooks/replay-delivery"),
    access: adminsOnly,
    scope: "webhooks",
    uses: ["vault"],
  },
} as const satisfies Record<string, RouteDeclaration>;
