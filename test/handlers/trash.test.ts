import { afterEach, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal, anActivity } from "../support/builders";
import { tokenFor } from "../support/identity";
import { anOrganisation, type TestOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

const trashOf = async (org: TestOrganisation, token = org.admin.token) =>
  (await invoke("trash.list", { token, params: { orgId: org.orgId } })).body.data as { id: string; type: string }[];

const restore = (org: TestOrganisation, recordId: string, token = org.admin.token) =>
  invoke("trash.restore", { token, params: { orgId: org.orgId, recordId } });

describe("the trash", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("hides a deleted contact from lists and search, and restores it with its id, links and history", async () => {
    const org = await anOrganisation();
    const company = await aCompany(org, { name: "Analytical Engines" });
    const contact = await aContact(org, {
      firstName: "Ada",
      lastName: "Lovelace",
      emails: ["ada@engines.example"],
      companyId: company.id,
    });
    const deal = await aDeal(org, { contactIds: [contact.id] });
    const call = await anActivity(org, {
      type: "call",
      subject: "Intro call",
      contactIds: [contact.id],
      dealIds: [deal.id],
    });
    const params = { orgId: org.orgId, contactId: contact.id };
    expect((await invoke("contacts.delete", { token: org.admin.token, params })).status).toBe(204);

    expect((await invoke("contacts.get", { token: org.admin.token, params })).status).toBe(404);
    const list = await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(list.body.data).toEqual([]);
    const found = await invoke("search.query", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { q: "ada" },
    });
    expect(found.body.data).toEqual([]);
    expect(await trashOf(org)).toMatchObject([{ type: "contact", id: contact.id, label: "Ada Lovelace" }]);

    const restored = await restore(org, contact.id);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body).toMatchObject({
      type: "contact",
      record: { id: contact.id, emails: ["ada@engines.example"], companyIds: [company.id], version: 2 },
    });
    expect(await trashOf(org)).toEqual([]);
    const dealAfter = await invoke("deals.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(dealAfter.body.contactIds).toEqual([contact.id]);
    const callAfter = await invoke("activities.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, activityId: call.id },
    });
    expect(callAfter.body.contactIds).toEqual([contact.id]);
    const duplicate = await invoke("contacts.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { firstName: "Imposter", emails: ["ada@engines.example"] },
    });
    expect(duplicate.status).toBe(409); // the email is reserved again
    const timeline = await invoke("contacts.timeline", { token: org.admin.token, params });
    expect(
      timeline.body.data.map(
        (entry: { kind: string; change?: { action: string } }) => entry.change?.action ?? entry.kind,
      ),
    ).toEqual(["restored", "deleted", "activity", "created"]);
  });

  it("refuses to restore a contact whose email was taken meanwhile, and keeps it in the trash", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org, { firstName: "Ada", emails: ["ada@example.com"] });
    await invoke("contacts.delete", { token: org.admin.token, params: { orgId: org.orgId, contactId: contact.id } });
    await aContact(org, { firstName: "Other Ada", emails: ["ada@example.com"] });
    const refused = await restore(org, contact.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("duplicate");
    expect((await trashOf(org)).map((entry) => entry.id)).toEqual([contact.id]);
  });

  it("takes a deleted deal off the board and puts it back on restore, unless its stage is gone", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    const deal = await aDeal(org, { stageId: stage("Qualified").id, value: { amount: 700_00, currency: "EUR" } });
    const other = await aDeal(org, { stageId: stage("Qualified").id });
    const qualifiedCount = async () => {
      const board = await invoke("pipelines.board", {
        token: org.admin.token,
        params: { orgId: org.orgId, pipelineId: pipeline.id },
      });
      return board.body.stages.find((s: { id: string }) => s.id === stage("Qualified").id).dealCount;
    };
    await invoke("deals.delete", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } });
    expect(await qualifiedCount()).toBe(1);
    expect((await restore(org, deal.id)).status).toBe(200);
    expect(await qualifiedCount()).toBe(2);

    await invoke("deals.delete", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } });
    await invoke("deals.delete", { token: org.admin.token, params: { orgId: org.orgId, dealId: other.id } });
    const withoutQualified = pipeline.stages
      .filter((candidate) => candidate.name !== "Qualified")
      .map(({ id, name, probability, kind }) => ({ id, name, probability, kind }));
    const edited = await invoke("pipelines.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
      body: { stages: withoutQualified },
    });
    expect(edited.status).toBe(200);
    const refused = await restore(org, deal.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("restore-conflict");
  });

  it("restores a company to its former contacts and deals", async () => {
    const org = await anOrganisation();
    const company = await aCompany(org, { name: "Initech", domain: "initech.example" });
    const contact = await aContact(org, { firstName: "Peter", companyId: company.id });
    const deal = await aDeal(org, { companyId: company.id });
    await invoke("companies.delete", { token: org.admin.token, params: { orgId: org.orgId, companyId: company.id } });
    const restored = await restore(org, company.id);
    expect(restored.body.record).toMatchObject({ id: company.id, domain: "initech.example" });
    const contactAfter = await invoke("contacts.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: contact.id },
    });
    expect(contactAfter.body.companyIds).toEqual([company.id]);
    const dealAfter = await invoke("deals.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(dealAfter.body.companyId).toBe(company.id);
  });

  it("forgets records deleted more than 30 days ago", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org, { firstName: "Old" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 31 * 86_400_000);
    await invoke("contacts.delete", {
      token: tokenFor(org.admin.email),
      params: { orgId: org.orgId, contactId: contact.id },
    });
    vi.useRealTimers();
    expect(await trashOf(org)).toEqual([]);
    expect((await restore(org, contact.id)).status).toBe(404);
  });

  it("lets a member restore only what they could delete", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const contact = await aContact(org, { firstName: "Admin's" });
    await invoke("contacts.delete", { token: org.admin.token, params: { orgId: org.orgId, contactId: contact.id } });
    expect((await restore(org, contact.id, member.token)).status).toBe(403);
  });
});
