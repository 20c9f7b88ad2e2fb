import { describe, expect, it } from "vitest";
import { anApiEvent, invoke, invokeFallback } from "../support/api-events";
import { anOrganisation } from "../support/organisations";

/** What every answer carries, whatever its status: a JSON API that no browser may sniff, frame or cache. */
const securityHeaders = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

describe("every answer", () => {
  it("carries the security headers: a success, a refusal, a public route and the fallback's 404 and 405", async () => {
    const org = await anOrganisation();
    const answers = {
      success: await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } }),
      invalid: await invoke("contacts.create", { token: org.admin.token, params: { orgId: org.orgId }, body: {} }),
      unauthenticated: await invoke("contacts.list", { params: { orgId: org.orgId } }),
      public: await invoke("health.get"),
    };
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.headers, name).toMatchObject(securityHeaders);
    }
    const notFound = anApiEvent("health.get");
    notFound.rawPath = "/nowhere";
    notFound.requestContext.http.path = "/nowhere";
    const wrongMethod = anApiEvent("health.get");
    wrongMethod.requestContext.http.method = "DELETE";
    for (const event of [notFound, wrongMethod]) {
      const answer = await invokeFallback(event);
      expect(answer.statusCode).toBeGreaterThanOrEqual(404);
      expect(answer.headers, String(answer.statusCode)).toMatchObject(securityHeaders);
    }
  });

  it("takes a well-formed X-Request-Id from the client as the request's id: in the header, the problem and the audit", async () => {
    const org = await anOrganisation();
    const requestId = "client-4f1c2a.retry_2";
    const created = await invoke("contacts.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      headers: { "x-request-id": requestId },
      body: { firstName: "Traced" },
    });
    expect(created.headers["x-request-id"]).toBe(requestId);
    const audit = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { recordId: created.body.id },
    });
    expect(audit.body.data[0].requestId).toBe(requestId);
    const refused = await invoke("contacts.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      headers: { "x-request-id": requestId },
      body: {},
    });
    expect(refused.headers["x-request-id"]).toBe(requestId);
    expect(refused.body.requestId).toBe(requestId);
  });

  it("gives a request its own id when the client's X-Request-Id is malformed, too long or looks like an internal one", async () => {
    const org = await anOrganisation();
    for (const sent of ["has spaces", "x".repeat(129), "automation:5:evt_1", "<script>", ""]) {
      const answer = await invoke("contacts.list", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        headers: { "x-request-id": sent },
      });
      expect(answer.status, sent).toBe(200);
      expect(answer.headers["x-request-id"], sent).not.toBe(sent);
      expect(answer.headers["x-request-id"], sent).toMatch(/^[\w-]{8,}$/);
    }
  });
});
