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
