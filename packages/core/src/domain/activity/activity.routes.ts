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
  },
  "activities.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: httpHandler("activities/get"),
    access: everyRole,
  },
  "activities.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: httpHandler("activities/update"),
    access: editors,
  },
  "activities.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/activities/{activityId}",
    handler: httpHandler("activities/delete"),
    access: editors,
  },
  "tasks.listOpen": {
    method: "GET",
    path: "/v1/orgs/{orgId}/tasks",
    handler: httpHandler("tasks/list-open"),
    access: everyRole,
  },
  "tasks.listOverdue": {
    method: "GET",
    path: "/v1/orgs/{orgId}/tasks/overdue",
    handler: httpHandler("tasks/list-overdue"),
    access: everyRole,
  },
  "contacts.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}/timeline",
    handler: httpHandler("contacts/timeline"),
    access: everyRole,
  },
  "companies.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/timeline",
    handler: httpHandler("companies/timeline"),
    access: everyRole,
  },
  "deals.timeline": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/timeline",
    handler: httpHandler("deals/timeline"),
    access: everyRole,
  },
} as const satisfies Record<string, RouteDeclaration>;
