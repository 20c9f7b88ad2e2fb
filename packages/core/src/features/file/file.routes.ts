import {
  adminsOnly,
  editors,
  everyRole,
  httpHandler,
  type RouteDeclaration,
} from "../../declarations/route-declaration";

/**
 * Files on contacts, companies, deals and activities, uploaded to and downloaded from S3 with presigned requests.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in file.contract.ts.
 */
export const fileRoutes = {
  "files.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/files",
    handler: httpHandler("files/create"),
    access: editors,
    scope: "files",
    uses: ["files"],
  },
  "files.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/files/{fileId}",
    handler: httpHandler("files/get"),
    access: everyRole,
    scope: "files",
  },
  "files.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/files/{fileId}",
    handler: httpHandler("files/update"),
    access: editors,
    scope: "files",
  },
  "files.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/files/{fileId}",
    handler: httpHandler("files/delete"),
    access: editors,
    scope: "files",
  },
  "files.download": {
    method: "GET",
    path: "/v1/orgs/{orgId}/files/{fileId}/download",
    handler: httpHandler("files/download"),
    access: everyRole,
    scope: "files",
    uses: ["files"],
  },
  "files.storage": {
    method: "GET",
    path: "/v1/orgs/{orgId}/storage",
    handler: httpHandler("files/storage"),
    access: everyRole,
    scope: "files",
  },
  "files.settings": {
    method: "GET",
    path: "/v1/orgs/{orgId}/storage/settings",
    handler: httpHandler("files/settings"),
    access: everyRole,
    scope: "files",
  },
  "files.updateSettings": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/storage/settings",
    handler: httpHandler("files/update-settings"),
    access: adminsOnly,
    scope: "files",
  },
  "contacts.files": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}/files",
    handler: httpHandler("files/of-contact"),
    access: everyRole,
    scope: "files",
  },
  "companies.files": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/files",
    handler: httpHandler("files/of-company"),
    access: everyRole,
    scope: "files",
  },
  "deals.files": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/files",
    handler: httpHandler("files/of-deal"),
    access: everyRole,
    scope: "files",
  },
  "activities.files": {
    method: "GET",
    path: "/v1/orgs/{orgId}/activities/{activityId}/files",
    handler: httpHandler("files/of-activity"),
    access: everyRole,
    scope: "files",
  },
} as const satisfies Record<string, RouteDeclaration>;
