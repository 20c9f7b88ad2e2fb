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
    uses: ["files"],
  },
  "files.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/files/{fileId}",
    handler: httpHandler("files/get"),
    access: everyRole,
  },
  "files.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/files/{fileId}",
    handler: httpHandler("files/update"),
    access: editors,
  },
  "files.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/files/{fileId}",
    handler: httpHandler("files/delete"),
    access: editors,
  },
  "files.download": {
    method: "GET",
    path: "/v1/orgs/{orgId}/files/{fileId}/download",
    handler: httpHandler("files/download"),
    access: everyRole,
    uses: ["files"],
  },
  "files.storage": {
    method: "GET",
    path: "/v1/orgs/{orgId}/storage",
    handler: httpHandler("files/storage"),
    access: everyRole,
  },
  "files.settings": {
    method: "GET",
    path: "/v1/orgs/{orgId}/storage/settings",
    handler: httpHandler("files/settings"),
    access: everyRole,
  },
  "files.updateSettings": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/storage/settings",
    handler: httpHandler("files/update-settings"),
    access: adminsOnly,
  },
  "contacts.files": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}/files",
    handler: httpHandler("files/of-contact"),
    access: everyRole,
  },
  "companies.files": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/files",
    handler: httpHandler("files/of-company"),
    access: everyRole,
  },
  "deals.files": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/files",
    handler: httpHandler("files/of-deal"),
    access: everyRole,
  },
  "activities.files": {
    method: "GET",
    path: "/v1/orgs/{orgId}/activities/{activityId}/files",
    handler: httpHandler("files/of-activity"),
    access: everyRole,
  },
} as const satisfies Record<string, RouteDeclaration>;
