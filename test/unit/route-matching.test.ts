import { matchRoute, routes } from "@crm/core/declarations";
import { describe, expect, it } from "vitest";

describe("matching a request to the route table", () => {
  it("finds a route and decodes its path parameters", () => {
    expect(matchRoute("GET", "/v1/orgs/org_1/contacts/con_2")).toEqual({
      kind: "route",
      routeId: "contacts.get",
      pathParameters: { orgId: "org_1", contactId: "con_2" },
    });
  });

  it("answers a known path with another method as method-not-allowed, listing the allowed methods", () => {
    const match = matchRoute("PUT", "/v1/orgs/org_1/contacts/con_2");
    expect(match.kind).toBe("method-not-allowed");
    expect(match.kind === "method-not-allowed" && [...match.allow].sort()).toEqual(["DELETE", "GET", "PATCH"]);
  });

  it("sends a POST to a batch path to the batch route, and other methods to the record routes, as API Gateway does", () => {
    expect(matchRoute("POST", "/v1/orgs/org_1/contacts/batch-create")).toMatchObject({
      kind: "route",
      routeId: "contacts.batchCreate",
    });
    // A method's own routes decide: GET has only {dealId} here, whose id validation then refuses "batch-update".
    expect(matchRoute("GET", "/v1/orgs/org_1/deals/batch-update")).toMatchObject({
      kind: "route",
      routeId: "deals.get",
      pathParameters: { dealId: "batch-update" },
    });
    const match = matchRoute("PUT", "/v1/orgs/org_1/companies/batch-create");
    expect(match.kind === "method-not-allowed" && [...match.allow].sort()).toEqual(["DELETE", "GET", "PATCH", "POST"]);
  });

  it("answers an unknown path as not found", () => {
    expect(matchRoute("GET", "/v1/nowhere")).toEqual({ kind: "not-found" });
    expect(matchRoute("GET", "/v1/orgs/org_1/contacts/con_2/extra")).toEqual({ kind: "not-found" });
  });

  it("does not let a parameter span several segments or be empty", () => {
    expect(matchRoute("GET", "/v1/orgs//contacts").kind).toBe("not-found");
    expect(matchRoute("GET", "/v1/orgs/a/b/contacts").kind).toBe("not-found");
  });

  it("matches every declared route by its own path", () => {
    for (const [routeId, route] of Object.entries(routes)) {
      const path = route.path.replace(/\{(\w+)\}/g, "x");
      expect(matchRoute(route.method, path)).toMatchObject({ kind: "route", routeId });
    }
  });
});
