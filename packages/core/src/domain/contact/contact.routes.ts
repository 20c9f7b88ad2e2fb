import { editors, everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Contacts, one record at a time.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in contact.contract.ts.
 */
export const contactRoutes = {
  "contacts.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/contacts",
    handler: httpHandler("contacts/create"),
    access: editors,
    scope: "contacts",
  },
  "contacts.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts",
    handler: httpHandler("contacts/list"),
    access: everyRole,
    scope: "contacts",
  },
  "contacts.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}",
    handler: httpHandler("contacts/get"),
    access: everyRole,
    scope: "contacts",
  },
  "contacts.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/contacts/{contactId}",
    handler: httpHandler("contacts/update"),
    access: editors,
    scope: "contacts",
  },
  "contacts.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/contacts/{contactId}",
    handler: httpHandler("contacts/delete"),
    access: editors,
    scope: "contacts",
  },
} as const satisfies Record<string, RouteDeclaration>;
