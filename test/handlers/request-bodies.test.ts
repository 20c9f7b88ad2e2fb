import { maxBodyBytes } from "@crm/functions/platform";
import { describe, expect, it } from "vitest";
import { anApiEvent, invoke, invokeFallback } from "../support/api-events";
import { anOrganisation } from "../support/organisations";

describe("request bodies", () => {
  it("malformed JSON is a 400 malformed-json and writes nothing", async () => {
    const { orgId, admin } = await anOrganisation();
    const refused = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      rawBody: '{"firstName": "Ada",',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("malformed-json");
    const listed = await invoke("contacts.list", { token: admin.token, params: { orgId } });
    expect(listed.body.data).toEqual([]);
  });

  it("a body that is not JSON is a 415", async () => {
    const { orgId, admin } = await anOrganisation();
    const refused = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      rawBody: "firstName=Ada",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(refused.status).toBe(415);
    expect(refused.body.code).toBe("unsupported-media-type");
  });

  it("accepts JSON with a charset and merge-patch JSON for updates", async () => {
    const { orgId, admin } = await anOrganisation();
    const created = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "Ada" },
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(created.status).toBe(201);
    const patched = await invoke("contacts.update", {
      token: admin.token,
      params: { orgId, contactId: created.body.id },
      body: { title: "Countess" },
      headers: { "content-type": "application/merge-patch+json" },
    });
    expect(patched.status).toBe(200);
  });

  it("a body over the limit is a 413", async () => {
    const { orgId, admin } = await anOrganisation();
    const refused = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "x".repeat(maxBodyBytes) },
    });
    expect(refused.status).toBe(413);
  });

  it("a missing body is a 400 naming the body", async () => {
    const { orgId, admin } = await anOrganisation();
    const refused = await invoke("contacts.create", { token: admin.token, params: { orgId } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: "body", message: expect.any(String) }]);
  });

  it("a JSON body that is not an object, or carries __proto__, is refused", async () => {
    const { orgId, admin } = await anOrganisation();
    for (const rawBody of ["[1,2]", '"text"', "null", '{"__proto__": {"admin": true}, "firstName": "A"}']) {
      const refused = await invoke("contacts.create", { token: admin.token, params: { orgId }, rawBody });
      expect(refused.status, rawBody).toBe(400);
    }
  });

  it("a body nested more than 32 levels deep is a 400 naming the body, however it is nested; brackets in strings do not count", async () => {
    const { orgId, admin } = await anOrganisation();
    const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    for (const rawBody of [
      `{"survivorId":"con_1","mergedIds":["con_2"],"fields":{"x":${deep(10_000)}}}`,
      `{"firstName":"Ada","tags":${deep(40)}}`,
    ]) {
      const refused = await invoke("contacts.merge", { token: admin.token, params: { orgId }, rawBody });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ path: "body", message: "Nested more than 32 levels deep." }]);
    }
    const bracketsInText = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: `Ada ${"[{".repeat(40)}`, lastName: '\\" [[[' },
    });
    expect(bracketsInText.status).toBe(201);
  });

  it("every field that fails is reported with its path", async () => {
    const { orgId, admin } = await anOrganisation();
    const refused = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "", emails: ["ok@x.com", "broken"], phones: ["call me"], unknown: 1 },
    });
    expect(refused.status).toBe(400);
    expect([...new Set(refused.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
      "body.emails.1",
      "body.firstName",
      "body.phones.0",
      "body.unknown",
    ]);
  });

  it("an unknown route is a 404 and a wrong method a 405 with Allow, both problem+json", async () => {
    const unknown = anApiEvent("health.get");
    unknown.rawPath = "/v1/nothing-here";
    const notFound = await invokeFallback(unknown);
    expect(notFound.statusCode).toBe(404);
    const wrongMethod = anApiEvent("health.get");
    wrongMethod.requestContext.http.method = "DELETE";
    const notAllowed = await invokeFallback(wrongMethod);
    expect(notAllowed.statusCode).toBe(405);
    expect(notAllowed.headers?.allow).toBe("GET");
    expect(notAllowed.headers?.["content-type"]).toBe("application/problem+json");
  });
});
