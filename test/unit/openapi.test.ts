import { openApiDocument } from "@crm/core/api";
import { apiKeyScopeFor, type RouteId, routes } from "@crm/core/declarations";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";

describe("the OpenAPI document", () => {
  const document = openApiDocument() as unknown as {
    openapi: string;
    paths: Record<
      string,
      Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>
    >;
    components: { securitySchemes: Record<string, unknown> };
  };

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");
  });

  it("documents every route of the route table and nothing else", () => {
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(
        ([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`,
      ),
    );
    const declared = (Object.keys(routes) as RouteId[]).map((id) => `${routes[id].method} ${routes[id].path} ${id}`);
    expect(documented.sort()).toEqual(declared.sort());
  });

  it("requires a bearer token exactly where the route table does, with the 401 and 503 its check may answer", () => {
    for (const routeId of Object.keys(routes) as RouteId[]) {
      const route = routes[routeId];
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      const scope = apiKeyScopeFor(route);
      const expected = route.access === "public" ? [] : [{ bearer: [] }, ...(scope ? [{ apiKey: [scope] }] : [])];
      expect(operation?.security, routeId).toEqual(expected);
      if (route.access !== "public") {
        expect(Object.keys(operation?.responses ?? {}), routeId).toEqual(expect.arrayContaining(["401", "503"]));
      }
    }
  });

  it("names the API key scope of every route a key may call: read for GET, write otherwise; none for people-only", () => {
    const security = (routeId: RouteId) =>
      document.paths[routes[routeId].path]?.[routes[routeId].method.toLowerCase()]?.security;
    expect(security("contacts.list")).toContainEqual({ apiKey: ["contacts:read"] });
    expect(security("deals.moveStage")).toContainEqual({ apiKey: ["deals:write"] });
    expect(security("apiKeys.create")).toEqual([{ bearer: [] }]);
    expect(security("members.add")).toEqual([{ bearer: [] }]);
    expect(document.components.securitySchemes).toHaveProperty("apiKey.scheme", "bearer");
  });

  it("names the roles of every route limited to some, once, so no description need name them by hand", () => {
    for (const routeId of Object.keys(routes) as RouteId[]) {
      const { access, method, path } = routes[routeId];
      if (!Array.isArray(access)) continue;
      const { description } = (document.paths[path]?.[method.toLowerCase()] ?? {}) as { description?: string };
      expect(description, routeId).toMatch(new RegExp(`Roles: ${access.join(", ")}\\.$`));
      expect(description, routeId).not.toMatch(/Admins only|Managers and admins\./);
    }
  });

  it("documents a batch's entries with the schemas of the single-record requests, though each is checked alone", () => {
    type ObjectSchema = { properties: Record<string, { items?: unknown }> };
    const { schemas } = (document as unknown as { components: { schemas: Record<string, ObjectSchema> } }).components;
    const entries = schemas.BatchCreateContactsInput?.properties.items;
    expect(entries).toMatchObject({ maxItems: 100 });
    expect(entries?.items).toEqual({ $ref: "#/components/schemas/CreateContactInput" });
    expect(schemas.ContactBatchUpdate?.properties.changes).toEqual({ $ref: "#/components/schemas/UpdateContactInput" });
  });

  it("describes errors as problem+json", () => {
    const create = document.paths["/v1/orgs/{orgId}/contacts"]?.post?.responses as Record<string, { content?: object }>;
    expect(Object.keys(create["400"]?.content ?? {})).toEqual(["application/problem+json"]);
    expect(Object.keys(create["409"]?.content ?? {})).toEqual(["application/problem+json"]);
  });
});
