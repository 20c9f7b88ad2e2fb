import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation } from "../support/organisations";

describe("contacts", () => {
  it("are created, read, partially updated and deleted", async () => {
    const { orgId, admin } = await anOrganisation();
    const created = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: {
        firstName: "Ada",
        lastName: "Lovelace",
        emails: ["Ada@Example.com"],
        phones: ["+44 20 7946 0958"],
        tags: ["VIP"],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      firstName: "Ada",
      lastName: "Lovelace",
      emails: ["ada@example.com"],
      tags: ["vip"],
      ownerId: admin.memberId,
      companyId: null,
      title: null,
    });
    const contactId = created.body.id;
    expect(created.headers.location).toBe(`/v1/orgs/${orgId}/contacts/${contactId}`);

    const updated = await invoke("contacts.update", {
      token: admin.token,
      params: { orgId, contactId },
      body: { title: "Analyst", lastName: null },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      firstName: "Ada",
      lastName: null,
      title: "Analyst",
      emails: ["ada@example.com"],
    });
    expect(updated.body.updatedAt >= created.body.updatedAt).toBe(true);

    const read = await invoke("contacts.get", { token: admin.token, params: { orgId, contactId } });
    expect(read.body).toEqual(updated.body);

    expect((await invoke("contacts.delete", { token: admin.token, params: { orgId, contactId } })).status).toBe(204);
    expect((await invoke("contacts.get", { token: admin.token, params: { orgId, contactId } })).status).toBe(404);
  });

  it("a duplicate email, in any case, is a 409 naming the existing contact", async () => {
    const { orgId, admin } = await anOrganisation();
    const first = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "Grace", emails: ["grace@navy.mil"] },
    });
    const second = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "Imposter", emails: ["GRACE@navy.mil"] },
    });
    expect(second.status).toBe(409);
    expect(second.body.existing).toEqual({ type: "contact", id: first.body.id });
    const listed = await invoke("contacts.list", { token: admin.token, params: { orgId } });
    expect(listed.body.data).toHaveLength(1);
  });

  it("the same email may exist in two organisations", async () => {
    const a = await anOrganisation();
    const b = await anOrganisation();
    const body = { emails: ["shared@example.com"] };
    expect((await invoke("contacts.create", { token: a.admin.token, params: { orgId: a.orgId }, body })).status).toBe(
      201,
    );
    expect((await invoke("contacts.create", { token: b.admin.token, params: { orgId: b.orgId }, body })).status).toBe(
      201,
    );
  });

  it("changing emails frees the old one and reserves the new one", async () => {
    const { orgId, admin } = await anOrganisation();
    const contact = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { emails: ["old@x.com"] },
    });
    await invoke("contacts.update", {
      token: admin.token,
      params: { orgId, contactId: contact.body.id },
      body: { emails: ["new@x.com"] },
    });
    const reuseOld = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { emails: ["old@x.com"] },
    });
    expect(reuseOld.status).toBe(201);
    const takeNew = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { emails: ["new@x.com"] },
    });
    expect(takeNew.status).toBe(409);
  });

  it("refuses an owner who is not a member and a company that does not exist, writing nothing", async () => {
    const { orgId, admin } = await anOrganisation();
    const badOwner = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "A", ownerId: "mem_00000000000000000000000000", emails: ["a@x.com"] },
    });
    expect(badOwner.status).toBe(400);
    expect(badOwner.body.errors).toEqual([{ path: "body.ownerId", message: expect.any(String) }]);
    const badCompany = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "A", companyId: "com_00000000000000000000000000", emails: ["a@x.com"] },
    });
    expect(badCompany.status).toBe(400);
    // Nothing half-written: the email was not reserved by either failed attempt.
    const ok = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { emails: ["a@x.com"] },
    });
    expect(ok.status).toBe(201);
  });

  it("a member edits any contact but deletes or reassigns only their own", async () => {
    const { orgId, admin, member } = await anOrganisation();
    const ann = await member("member");
    const bob = await member("member");
    const annsContact = await invoke("contacts.create", {
      token: ann.token,
      params: { orgId },
      body: { firstName: "Ann's" },
    });
    const contactId = annsContact.body.id;
    expect(annsContact.body.ownerId).toBe(ann.memberId);

    const edit = await invoke("contacts.update", {
      token: bob.token,
      params: { orgId, contactId },
      body: { title: "Edited" },
    });
    expect(edit.status).toBe(200);
    const steal = await invoke("contacts.update", {
      token: bob.token,
      params: { orgId, contactId },
      body: { ownerId: bob.memberId },
    });
    expect(steal.status).toBe(403);
    expect((await invoke("contacts.delete", { token: bob.token, params: { orgId, contactId } })).status).toBe(403);
    expect((await invoke("contacts.delete", { token: ann.token, params: { orgId, contactId } })).status).toBe(204);

    const managersContact = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "Z" },
    });
    const manager = await member("manager");
    const deleted = await invoke("contacts.delete", {
      token: manager.token,
      params: { orgId, contactId: managersContact.body.id },
    });
    expect(deleted.status).toBe(204);
  });

  it("another organisation's contact id is a 404 inside my own organisation too, and is left untouched", async () => {
    const mine = await anOrganisation();
    const theirs = await anOrganisation();
    const foreign = await invoke("contacts.create", {
      token: theirs.admin.token,
      params: { orgId: theirs.orgId },
      body: { firstName: "Theirs" },
    });
    const contactId = foreign.body.id;
    const asMine = { token: mine.admin.token, params: { orgId: mine.orgId, contactId } };
    expect((await invoke("contacts.get", asMine)).status).toBe(404);
    expect((await invoke("contacts.update", { ...asMine, body: { title: "Hijacked" } })).status).toBe(404);
    expect((await invoke("contacts.delete", asMine)).status).toBe(404);
    const intact = await invoke("contacts.get", {
      token: theirs.admin.token,
      params: { orgId: theirs.orgId, contactId },
    });
    expect(intact.body).toMatchObject({ firstName: "Theirs", title: null });
  });

  it("an empty update is refused", async () => {
    const { orgId, admin } = await anOrganisation();
    const contact = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "A" },
    });
    const empty = await invoke("contacts.update", {
      token: admin.token,
      params: { orgId, contactId: contact.body.id },
      body: {},
    });
    expect(empty.status).toBe(400);
  });
});
