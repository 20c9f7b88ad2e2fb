import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact } from "../support/builders";
import { anOrganisation } from "../support/organisations";

describe("optimistic concurrency with ETag and If-Match", () => {
  /** A contact in an organisation of its own, and where to address it as the admin. */
  async function aContactToEdit() {
    const org = await anOrganisation();
    const contact = await aContact(org);
    return { at: { token: org.admin.token, params: { orgId: org.orgId, contactId: contact.id } } };
  }

  it("every read and write of a contact carries its version as a strong ETag", async () => {
    const { orgId, admin } = await anOrganisation();
    const created = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "Ada" },
    });
    const at = { token: admin.token, params: { orgId, contactId: created.body.id } };
    expect(created.headers.etag).toBe('"1"');
    expect(created.body.version).toBe(1);
    expect((await invoke("contacts.get", at)).headers.etag).toBe('"1"');
    const updated = await invoke("contacts.update", { ...at, body: { title: "Countess" } });
    expect(updated.headers.etag).toBe('"2"');
    expect(updated.body.version).toBe(2);
  });

  it("a PATCH with the current ETag applies; one with a stale ETag is a 412 carrying the current ETag and changes nothing", async () => {
    const { at } = await aContactToEdit();
    const first = await invoke("contacts.update", { ...at, headers: { "if-match": '"1"' }, body: { title: "First" } });
    expect(first.status).toBe(200);
    const stale = await invoke("contacts.update", {
      ...at,
      headers: { "if-match": '"1"' },
      body: { title: "Lost update" },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe("precondition-failed");
    expect(stale.headers.etag).toBe('"2"');
    expect((await invoke("contacts.get", at)).body.title).toBe("First");
  });

  it("a DELETE with a stale ETag is a 412 and keeps the record; with the current one it deletes", async () => {
    const { at } = await aContactToEdit();
    await invoke("contacts.update", { ...at, body: { title: "Changed" } });
    expect((await invoke("contacts.delete", { ...at, headers: { "if-match": '"1"' } })).status).toBe(412);
    expect((await invoke("contacts.get", at)).status).toBe(200);
    expect((await invoke("contacts.delete", { ...at, headers: { "if-match": '"2"' } })).status).toBe(204);
  });

  it("accepts * and a list of tags, and never matches a weak tag", async () => {
    const { at } = await aContactToEdit();
    expect(
      (await invoke("contacts.update", { ...at, headers: { "if-match": "*" }, body: { title: "A" } })).status,
    ).toBe(200);
    expect(
      (await invoke("contacts.update", { ...at, headers: { "if-match": '"1", "2"' }, body: { title: "B" } })).status,
    ).toBe(200);
    expect(
      (await invoke("contacts.update", { ...at, headers: { "if-match": 'W/"3"' }, body: { title: "C" } })).status,
    ).toBe(412);
  });

  it("of twenty concurrent updates from the same version one wins and every other is a 412 with the current ETag", async () => {
    const { at } = await aContactToEdit();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        invoke("contacts.update", { ...at, headers: { "if-match": '"1"' }, body: { title: `Title ${index}` } }),
      ),
    );
    const winners = results.filter((result) => result.status === 200);
    expect(winners).toHaveLength(1);
    const losers = results.filter((result) => result.status !== 200);
    expect(losers.map((result) => [result.status, result.body.code, result.headers.etag])).toEqual(
      Array.from({ length: 19 }, () => [412, "precondition-failed", '"2"']),
    );
    const current = await invoke("contacts.get", at);
    expect(current.body).toMatchObject({ title: winners[0]?.body.title, version: 2 });
  });

  it("companies honour If-Match the same way", async () => {
    const { orgId, admin } = await anOrganisation();
    const company = await invoke("companies.create", {
      token: admin.token,
      params: { orgId },
      body: { name: "Initech" },
    });
    const at = { token: admin.token, params: { orgId, companyId: company.body.id } };
    expect(company.headers.etag).toBe('"1"');
    await invoke("companies.update", { ...at, body: { industry: "Software" } });
    expect(
      (await invoke("companies.update", { ...at, headers: { "if-match": '"1"' }, body: { name: "X" } })).status,
    ).toBe(412);
    expect((await invoke("companies.delete", { ...at, headers: { "if-match": '"1"' } })).status).toBe(412);
    expect((await invoke("companies.delete", { ...at, headers: { "if-match": '"2"' } })).status).toBe(204);
  });
});

describe("revalidating reads with If-None-Match", () => {
  it("a record read with its current ETag is 304 with no body, in strong or weak form; once it changes, 200 with the new one", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org);
    const at = { token: org.admin.token, params: { orgId: org.orgId, contactId: contact.id } };

    const unchanged = await invoke("contacts.get", { ...at, headers: { "if-none-match": '"1"' } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();
    expect(unchanged.headers.etag).toBe('"1"');
    expect((await invoke("contacts.get", { ...at, headers: { "if-none-match": 'W/"1", "7"' } })).status).toBe(304);

    await invoke("contacts.update", { ...at, body: { title: "Countess" } });
    const changed = await invoke("contacts.get", { ...at, headers: { "if-none-match": '"1"' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect(changed.body.title).toBe("Countess");
  });

  it("a list page has an ETag of its content: the same page revalidates as 304 until a record on it changes", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org);
    const list = (headers: Record<string, string> = {}) =>
      invoke("contacts.list", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        query: { limit: "10" },
        headers,
      });

    const first = await list();
    const firstTag = String(first.headers.etag);
    expect(first.status).toBe(200);
    expect(first.headers.etag).toMatch(/^"[\w-]{27}"$/);
    expect((await list()).headers.etag).toBe(first.headers.etag);
    expect((await list({ "if-none-match": firstTag })).status).toBe(304);

    await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: contact.id },
      body: { title: "Changed" },
    });
    const after = await list({ "if-none-match": firstTag });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(first.headers.etag);
  });

  it("If-None-Match never turns a write into a 304", async () => {
    const org = await anOrganisation();
    const created = await invoke("contacts.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      headers: { "if-none-match": "*" },
      body: { firstName: "Ada" },
    });
    expect(created.status).toBe(201);
  });
});
