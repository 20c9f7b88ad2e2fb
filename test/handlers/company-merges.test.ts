import { databaseClient } from "@crm/core/platform";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal, anActivity } from "../support/builders";
import { anUploadedFile, linkLocalS3 } from "../support/files";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const merge = (org: TestOrganisation, body: unknown, token = org.admin.token) =>
  invoke("companies.merge", { token, params: { orgId: org.orgId }, body });

const company = (org: TestOrganisation, companyId: string) =>
  invoke("companies.get", { token: org.admin.token, params: { orgId: org.orgId, companyId } });

const contact = (org: TestOrganisation, contactId: string) =>
  invoke("contacts.get", { token: org.admin.token, params: { orgId: org.orgId, contactId } });

/** Everything a client can read about some companies, to show that a refused merge changed none of it. */
const snapshotOf = async (org: TestOrganisation, ids: string[]) =>
  Promise.all(
    ids.map(async (companyId) => ({
      record: (await company(org, companyId)).body,
      timeline: (
        await invoke("companies.timeline", { token: org.admin.token, params: { orgId: org.orgId, companyId } })
      ).body,
      associations: (
        await invoke("companies.associations", { token: org.admin.token, params: { orgId: org.orgId, companyId } })
      ).body,
      candidates: (
        await invoke("companies.duplicates", { token: org.admin.token, params: { orgId: org.orgId, companyId } })
      ).body,
    })),
  );

async function aPairOfDuplicates(org: TestOrganisation) {
  const survivor = await aCompany(org, { name: "Initech", domain: "initech.example", tags: ["customer"] });
  const merged = await aCompany(org, {
    name: "Initech Ltd",
    domain: "eu.initech.example",
    industry: "Software",
    tags: ["emea"],
  });
  return { survivor, merged };
}

let s3: Awaited<ReturnType<typeof linkLocalS3>>;
beforeAll(async () => {
  s3 = await linkLocalS3();
});
afterAll(async () => {
  await s3?.close();
});

describe("merging companies", () => {
  const removals: (() => void)[] = [];
  afterEach(() => {
    for (const remove of removals.splice(0)) remove();
  });

  it("moves contacts, deals, activities and files to the survivor, trashes the other, and its id says where it went", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const other = await aCompany(org, { name: "Globex" });
    // Primary the merged company, then another: the survivor takes its place, first.
    const employee = await aContact(org, { companyIds: [merged.id, other.id] });
    // Both already: the survivor appears once, where it was.
    const both = await aContact(org, { companyIds: [other.id, survivor.id, merged.id] });
    const deal = await aDeal(org, { companyId: merged.id });
    const call = await anActivity(org, { type: "call", subject: "Intro", companyIds: [merged.id] });
    const { fileId } = await anUploadedFile(org, [{ type: "company", id: merged.id }], {
      name: "contract.pdf",
      contentType: "application/pdf",
      bytes: new TextEncoder().encode("%PDF-1.7\n%%EOF\n"),
    });

    const response = await merge(org, { survivorId: survivor.id, mergedIds: [merged.id] });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.record).toMatchObject({
      id: survivor.id,
      name: "Initech",
      domain: "initech.example",
      industry: "Software",
      tags: ["customer", "emea"],
    });
    expect(response.body.moves).toEqual([
      {
        id: merged.id,
        contacts: expect.arrayContaining([employee.id, both.id]),
        deals: [deal.id],
        activities: [call.id],
        files: [fileId],
      },
    ]);

    const gone = await company(org, merged.id);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: "merged", mergedInto: { type: "company", id: survivor.id } });
    expect((await contact(org, employee.id)).body).toMatchObject({
      companyId: survivor.id,
      companyIds: [survivor.id, other.id],
    });
    expect((await contact(org, both.id)).body.companyIds).toEqual([other.id, survivor.id]);
    const dealAfter = await invoke("deals.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(dealAfter.body.companyId).toBe(survivor.id);
    const callAfter = await invoke("activities.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, activityId: call.id },
    });
    expect(callAfter.body.companyIds).toEqual([survivor.id]);
    const fileAfter = await invoke("files.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, fileId },
    });
    expect(fileAfter.body.records).toEqual([{ type: "company", id: survivor.id }]);
    const timeline = await invoke("companies.timeline", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: survivor.id },
    });
    expect(timeline.body.data.some((entry: { kind: string }) => entry.kind === "activity")).toBe(true);
    const associations = await invoke("companies.associations", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: survivor.id },
      query: { type: "contact" },
    });
    expect(associations.body.data.map((link: { id: string }) => link.id).sort()).toEqual([employee.id, both.id].sort());
    const trash = await invoke("trash.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(trash.body.data.map((item: { id: string }) => item.id)).toEqual([merged.id]);
    const candidates = await invoke("companies.duplicates", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: survivor.id },
    });
    expect(candidates.body.data).toEqual([]);
    const audit = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { recordId: survivor.id },
    });
    expect(audit.body.data.map((entry: { action: string }) => entry.action)).toContain("merged");

    const restored = await invoke("trash.restore", {
      token: org.admin.token,
      params: { orgId: org.orgId, recordId: merged.id },
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.record).toMatchObject({ id: merged.id, name: "Initech Ltd", domain: null });
    expect((await company(org, merged.id)).status).toBe(200);
  });

  it("hands the chosen domain to the survivor and frees the others' for reuse", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const third = await aCompany(org, { name: "Initech Holdings", domain: "initech-holdings.example" });

    const response = await merge(org, {
      survivorId: survivor.id,
      mergedIds: [merged.id, third.id],
      fields: { domain: merged.id, name: third.id },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.record).toMatchObject({ name: "Initech Holdings", domain: "eu.initech.example" });
    expect((await company(org, survivor.id)).body.domain).toBe("eu.initech.example");

    // The chosen domain is the survivor's now: no one else may take it.
    const taken = await invoke("companies.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { name: "Copycat", domain: "eu.initech.example" },
    });
    expect(taken.status).toBe(409);
    // The survivor's former domain and the third company's are free again.
    for (const domain of ["initech.example", "initech-holdings.example"]) {
      const reused = await invoke("companies.create", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body: { name: `Reuser of ${domain}`, domain },
      });
      expect(reused.status, JSON.stringify(reused.body)).toBe(201);
    }
  });

  it("previews the merged company and what would move, changing nothing", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const deal = await aDeal(org, { companyId: merged.id });
    const employee = await aContact(org, { companyId: merged.id });
    const before = await snapshotOf(org, [survivor.id, merged.id]);

    const response = await merge(org, {
      survivorId: survivor.id,
      mergedIds: [merged.id],
      fields: { domain: merged.id },
      preview: true,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      preview: true,
      record: { industry: "Software", domain: "eu.initech.example" },
    });
    expect(response.body.moves[0]).toMatchObject({ deals: [deal.id], contacts: [employee.id] });
    expect(await snapshotOf(org, [survivor.id, merged.id])).toEqual(before);
    expect((await contact(org, employee.id)).body.companyId).toBe(merged.id);
  });

  it.each([
    [
      "the survivor among the merged",
      (s: string, m: string) => ({ survivorId: s, mergedIds: [m, s] }),
      "body.mergedIds.1",
    ],
    [
      "more than nine",
      (s: string) => ({ survivorId: s, mergedIds: Array.from({ length: 10 }, (_, i) => `com_${i}x`) }),
      "body.mergedIds",
    ],
    [
      "an unknown field",
      (s: string, m: string) => ({ survivorId: s, mergedIds: [m], fields: { revenue: m } }),
      "body.fields.revenue",
    ],
    [
      "a field won by a record not in the merge",
      (s: string, m: string) => ({ survivorId: s, mergedIds: [m], fields: { domain: "com_other" } }),
      "body.fields.domain",
    ],
  ])("refuses %s with 400 naming the field, and changes nothing", async (_, body, path) => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const before = await snapshotOf(org, [survivor.id, merged.id]);
    const response = await merge(org, body(survivor.id, merged.id));
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect(await snapshotOf(org, [survivor.id, merged.id])).toEqual(before);
  });

  it("answers 404 naming the field for an id of no company, and for another organisation's", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const { survivor, merged } = await aPairOfDuplicates(org);
    const foreign = await aCompany(other, { name: "Foreign" });
    const before = await snapshotOf(org, [survivor.id, merged.id]);

    const unknown = await merge(org, { survivorId: survivor.id, mergedIds: [merged.id, "com_nobody"] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors).toEqual([{ path: "body.mergedIds.1", message: expect.any(String) }]);
    const stolen = await merge(org, { survivorId: foreign.id, mergedIds: [merged.id] });
    expect(stolen.status).toBe(404);
    expect(stolen.body.errors[0].path).toBe("body.survivorId");
    const taken = await merge(org, { survivorId: survivor.id, mergedIds: [foreign.id] });
    expect(taken.status).toBe(404);
    expect(taken.body.errors[0].path).toBe("body.mergedIds.0");
    const intoForeign = await merge(other, { survivorId: foreign.id, mergedIds: [merged.id] }, other.admin.token);
    expect(intoForeign.status).toBe(404);
    expect(await snapshotOf(org, [survivor.id, merged.id])).toEqual(before);
    expect((await company(other, foreign.id)).body).toMatchObject({ name: "Foreign", version: 1 });
  });

  it("is for managers and admins: a member gets 403 and nothing changes", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const member = await org.member("member");
    const response = await merge(org, { survivorId: survivor.id, mergedIds: [merged.id] }, member.token);
    expect(response.status).toBe(403);
    expect((await company(org, merged.id)).status).toBe(200);
    const manager = await org.member("manager");
    expect((await merge(org, { survivorId: survivor.id, mergedIds: [merged.id] }, manager.token)).status).toBe(200);
  });

  it("gives a clean 409 and changes nothing when a merged company is edited while the merge decides", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const employee = await aContact(org, { companyId: merged.id });
    const client = databaseClient();
    let edited = false;
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { TransactItems?: unknown[] };
        if (!edited && input.TransactItems && JSON.stringify(input.TransactItems).includes("mergedInto")) {
          edited = true;
          const edit = await invoke("companies.update", {
            token: org.admin.token,
            params: { orgId: org.orgId, companyId: merged.id },
            body: { industry: "Consulting" },
          });
          expect(edit.status).toBe(200);
        }
        return next(args);
      },
      { step: "initialize", name: "editDuringCompanyMerge", override: true },
    );
    removals.push(() => client.middlewareStack.remove("editDuringCompanyMerge"));
    const before = await snapshotOf(org, [survivor.id]);

    const response = await merge(org, {
      survivorId: survivor.id,
      mergedIds: [merged.id],
      fields: { domain: merged.id },
    });
    expect(edited).toBe(true);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe("concurrent-modification");
    expect(await snapshotOf(org, [survivor.id])).toEqual(before);
    expect((await company(org, merged.id)).body).toMatchObject({
      industry: "Consulting",
      domain: "eu.initech.example",
      version: 2,
    });
    expect((await contact(org, employee.id)).body.companyId).toBe(merged.id);
    // Both domains are still held by their own companies.
    for (const domain of ["initech.example", "eu.initech.example"]) {
      const taken = await invoke("companies.create", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body: { name: "Copycat", domain },
      });
      expect(taken.status).toBe(409);
    }
  });

  it("lets no edit that read a merged company before the merge decided land after it", async () => {
    const org = await anOrganisation();
    const { survivor } = await aPairOfDuplicates(org);
    // Without a domain: no reservation of its own that the mark releases, which would stop the edit by itself.
    const merged = await aCompany(org, { name: "Initech Inc", domain: undefined, industry: "Software" });
    const client = databaseClient();
    // The edit has read the company when the merge starts; its write is sent between the merge's mark and the rest.
    let merging: Promise<Awaited<ReturnType<typeof merge>>> | undefined;
    let marked = () => {};
    const markCommitted = new Promise<void>((resolve) => {
      marked = resolve;
    });
    let edited = () => {};
    const editSent = new Promise<void>((resolve) => {
      edited = resolve;
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        const text = JSON.stringify((args.input as { TransactItems?: unknown[] }).TransactItems ?? null);
        if (!merging && text.includes("Consulting")) {
          merging = merge(org, { survivorId: survivor.id, mergedIds: [merged.id] });
          await markCommitted;
          try {
            return await next(args);
          } finally {
            edited();
          }
        }
        if (text.includes("mergedInto")) {
          const result = await next(args);
          marked();
          await editSent;
          return result;
        }
        return next(args);
      },
      { step: "initialize", name: "mergeDuringCompanyEdit", override: true },
    );
    removals.push(() => client.middlewareStack.remove("mergeDuringCompanyEdit"));

    const edit = await invoke("companies.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: merged.id },
      body: { industry: "Consulting", domain: "late.example" },
    });
    expect((await merging)?.status).toBe(200);
    expect(edit.status).toBe(404);
    expect(edit.body).toMatchObject({ code: "merged", mergedInto: { type: "company", id: survivor.id } });
    expect((await company(org, survivor.id)).body).toMatchObject({ industry: "Software", domain: "initech.example" });
    // The edit's domain was never reserved by the merged company.
    expect((await aCompany(org, { name: "Late", domain: "late.example" })).domain).toBe("late.example");
  });
});
