import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation } from "../support/organisations";

describe("Idempotency-Key on POST", () => {
  it("a retry with the same key and body replays the first response and creates nothing new", async () => {
    const { orgId, admin } = await anOrganisation();
    const request = {
      token: admin.token,
      params: { orgId },
      headers: { "idempotency-key": randomUUID() },
      body: { firstName: "Once", emails: ["once@example.com"] },
    };
    const first = await invoke("contacts.create", request);
    const retry = await invoke("contacts.create", request);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const listed = await invoke("contacts.list", { token: admin.token, params: { orgId } });
    expect(listed.body.data).toHaveLength(1);
  });

  it("a replay keeps the first answer's headers, with this request's own request id and rate-limit headers", async () => {
    const { orgId, admin } = await anOrganisation();
    const request = {
      token: admin.token,
      params: { orgId },
      headers: { "idempotency-key": randomUUID() },
      body: { url: "https://hooks.example.com/replayed", events: ["deal.created"] },
    };
    const first = await invoke("webhooks.create", request);
    const retry = await invoke("webhooks.create", request);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.body.secret).toMatch(/^whsec_/);
    for (const name of ["content-type", "location", "etag"] as const) {
      expect(retry.headers[name], name).toBe(first.headers[name]);
    }
    // The answer carries the signing secret: it must never become cacheable because it was replayed.
    expect(retry.headers["cache-control"]).toBe("no-store");
    expect(retry.headers["x-request-id"]).toMatch(/./);
    expect(retry.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    expect(retry.headers["ratelimit-limit"]).toBe(first.headers["ratelimit-limit"]);
    expect(Number(retry.headers["ratelimit-remaining"])).toBeLessThan(Number(first.headers["ratelimit-remaining"]));
    expect(retry.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("the body's key order and spacing do not matter", async () => {
    const { orgId, admin } = await anOrganisation();
    const key = randomUUID();
    const base = { token: admin.token, params: { orgId }, headers: { "idempotency-key": key } };
    const first = await invoke("contacts.create", { ...base, rawBody: '{"firstName":"A","lastName":"B"}' });
    const retry = await invoke("contacts.create", { ...base, rawBody: '{ "lastName": "B",  "firstName": "A" }' });
    expect(retry.body.id).toBe(first.body.id);
  });

  it("the same key with another body is a 422 and changes nothing", async () => {
    const { orgId, admin } = await anOrganisation();
    const key = randomUUID();
    const base = { token: admin.token, params: { orgId }, headers: { "idempotency-key": key } };
    await invoke("contacts.create", { ...base, body: { firstName: "First" } });
    const reused = await invoke("contacts.create", { ...base, body: { firstName: "Second" } });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe("idempotency-key-reused");
    const listed = await invoke("contacts.list", { token: admin.token, params: { orgId } });
    expect(listed.body.data.map((c: { firstName: string }) => c.firstName)).toEqual(["First"]);
  });

  it("concurrent requests with one key run once: the others wait with 409 or get the replay", async () => {
    const { orgId, admin } = await anOrganisation();
    const request = {
      token: admin.token,
      params: { orgId },
      headers: { "idempotency-key": randomUUID() },
      body: { firstName: "Race" },
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => invoke("contacts.create", request)));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const waiting of results.filter((r) => r.status !== 201)) {
      expect(waiting.status).toBe(409);
      expect(waiting.body.code).toBe("idempotency-key-in-flight");
      expect(Number(waiting.headers["retry-after"])).toBeGreaterThan(0);
    }
    const listed = await invoke("contacts.list", { token: admin.token, params: { orgId } });
    expect(listed.body.data).toHaveLength(1);
  });

  it("a request that failed keeps nothing, so its retry runs again", async () => {
    const { orgId, admin } = await anOrganisation();
    const taken = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { emails: ["taken@example.com"] },
    });
    const key = randomUUID();
    const request = {
      token: admin.token,
      params: { orgId },
      headers: { "idempotency-key": key },
      body: { emails: ["taken@example.com"] },
    };
    expect((await invoke("contacts.create", request)).status).toBe(409);
    await invoke("contacts.delete", { token: admin.token, params: { orgId, contactId: taken.body.id } });
    expect((await invoke("contacts.create", request)).status).toBe(201);
  });

  it("keys are scoped: the same key from another organisation or another route is a new request", async () => {
    const a = await anOrganisation();
    const b = await anOrganisation();
    const key = randomUUID();
    const inA = await invoke("contacts.create", {
      token: a.admin.token,
      params: { orgId: a.orgId },
      headers: { "idempotency-key": key },
      body: { firstName: "X" },
    });
    const inB = await invoke("contacts.create", {
      token: b.admin.token,
      params: { orgId: b.orgId },
      headers: { "idempotency-key": key },
      body: { firstName: "X" },
    });
    expect(inB.status).toBe(201);
    expect(inB.body.id).not.toBe(inA.body.id);
    const company = await invoke("companies.create", {
      token: a.admin.token,
      params: { orgId: a.orgId },
      headers: { "idempotency-key": key },
      body: { name: "X" },
    });
    expect(company.status).toBe(201);
  });

  it("a malformed key is a 400 naming the header", async () => {
    const { orgId, admin } = await anOrganisation();
    const refused = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      headers: { "idempotency-key": "x".repeat(256) },
      body: { firstName: "X" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: "header.idempotency-key", message: expect.any(String) }]);
  });
});
