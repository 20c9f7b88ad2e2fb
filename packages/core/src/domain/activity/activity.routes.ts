import { editors, everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Activities, the tasks among them, and the timelines they make up.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in activity.contract.ts.
 */
export const activityRoutes = {
  "activities.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/activities",
    handler: httpHandler("activities/create"),
    access: editors,
    scope: "activities",
  },
  "activities.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/activities",
    handler: httpHandler("activities/list"),
    access: everyRole,
    scope: "activities",
  },
  "activities.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: httpHandler("activities/get"),
    access: everyRole,
    scope: "activities",
  },
  "activities.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: httpHandler("activities/update"),
    access: editors,
    scope: "activities",
  },
  "activities.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: httpHandler("activities/delete"),
    access: editors,
    scope: "activities",
  },
  "tasks.listOpen": {
    method: "GET",
    path: "/v1/orgs/{orgId}/tasks",
    handler: httpHandler("tasks/list-open"),
    access: everyRole,
    scope: "activities",
  },
  "tasks.listOverdue": {
    method: "GET",
    path: "/v1/orgs/{orgId}/tasks/overdue",
    handler: httpHandler("tasks/list-overdue"),
    access: everyRole,
    scope: "activities",
  },
  "contacts.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}/timeline",
    handler: httpHandler("contacts/timeline"),
    access: everyRole,
    scope: "contacts",
  },
  "companies.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/timeline",
    handler: httpHandler("companies/timeline"),
    access: everyRole,
    scope: "companies",
  },
  "deals.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/timeline",
    handler: httpHandler("deals/timeline"),
    access: everyRole,
    scope: "deals",
  },
} as const satisfies Record<string, RouteDeclaration>;
