import { databaseClient } from "@crm/core/platform";
import { afterEach, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal, anActivity } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const merge = (org: TestOrganisation, body: unknown, token = org.admin.token) =>
  invoke("contacts.merge", { token, params: { orgId: org.orgId }, body });

const contact = (org: TestOrganisation, contactId: string) =>
  invoke("contacts.get", { token: org.admin.token, params: { orgId: org.orgId, contactId } });

/** Everything a client can read about some contacts, to show that a refused merge changed none of it. */
const snapshotOf = async (org: TestOrganisation, ids: string[]) =>
  Promise.all(
    ids.map(async (contactId) => ({
      record: (await contact(org, contactId)).body,
      timeline: (await invoke("contacts.timeline", { token: org.admin.token, params: { orgId: org.orgId, contactId } }))
        .body,
      candidates: (
        await invoke("contacts.duplicates", { token: org.admin.token, params: { orgId: org.orgId, contactId } })
      ).body,
    })),
  );

async function aPairOfDuplicates(org: TestOrganisation) {
  const company = await aCompany(org, { name: "Analytical Engines" });
  const survivor = await aContact(org, {
    firstName: "Ada",
    lastName: "Lovelace",
    emails: ["ada@engines.example"],
    tags: ["vip"],
  });
  const merged = await aContact(org, {
    firstName: "Augusta Ada",
    title: "Countess",
    emails: ["ada+work@engines.example"],
    phones: ["+44 20 7946 0958"],
    companyId: company.id,
    tags: ["math"],
  });
  return { company, survivor, merged };
}

describe("merging contacts", () => {
  const removals: (() => void)[] = [];
  afterEach(() => {
    for (const remove of removals.splice(0)) remove();
  });

  it("moves deals, activities with the timeline and companies to the survivor, trashes the other, and its id says where it went", async () => {
    const org = await anOrganisation();
    const { company, survivor, merged } = await aPairOfDuplicates(org);
    const deal = await aDeal(org, { contactIds: [merged.id] });
    const call = await anActivity(org, { type: "call", subject: "Intro", contactIds: [merged.id] });

    const response = await merge(org, { survivorId: survivor.id, mergedIds: [merged.id] });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.record).toMatchObject({
      id: survivor.id,
      firstName: "Ada",
      lastName: "Lovelace",
      title: "Countess",
      emails: ["ada@engines.example", "ada+work@engines.example"],
      phones: ["+44 20 7946 0958"],
      tags: ["vip", "math"],
      companyIds: [company.id],
    });
    expect(response.body.moves).toEqual([
      { id: merged.id, contacts: [], deals: [deal.id], activities: [call.id], files: [] },
    ]);

    const gone = await contact(org, merged.id);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: "merged", mergedInto: { type: "contact", id: survivor.id } });
    const dealAfter = await invoke("deals.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(dealAfter.body.contactIds).toEqual([survivor.id]);
    const callAfter = await invoke("activities.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, activityId: call.id },
    });
    expect(callAfter.body.contactIds).toEqual([survivor.id]);
    const timeline = await invoke("contacts.timeline", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: survivor.id },
    });
    expect(timeline.body.data.some((entry: { kind: string; id?: string }) => entry.kind === "activity")).toBe(true);
    const associations = await invoke("companies.associations", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: company.id },
      query: { type: "contact" },
    });
    expect(associations.body.data.map((link: { id: string }) => link.id)).toEqual([survivor.id]);
    const trash = await invoke("trash.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(trash.body.data.map((item: { id: string }) => item.id)).toEqual([merged.id]);
    const candidates = await invoke("contacts.duplicates", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: survivor.id },
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
    expect(restored.body.record).toMatchObject({ id: merged.id, firstName: "Augusta Ada", emails: [] });
    expect((await contact(org, merged.id)).status).toBe(200);
  });

  it("lets a chosen record's value win a field", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const response = await merge(org, {
      survivorId: survivor.id,
      mergedIds: [merged.id],
      fields: { firstName: merged.id },
    });
    expect(response.status).toBe(200);
    expect(response.body.record.firstName).toBe("Augusta Ada");
  });

  it("previews the merged contact and what would move, changing nothing", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const deal = await aDeal(org, { contactIds: [merged.id] });
    const before = await snapshotOf(org, [survivor.id, merged.id]);

    const response = await merge(org, { survivorId: survivor.id, mergedIds: [merged.id], preview: true });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ preview: true, record: { title: "Countess" } });
    expect(response.body.moves[0].deals).toEqual([deal.id]);
    expect(await snapshotOf(org, [survivor.id, merged.id])).toEqual(before);
  });

  it.each([
    [
      "the survivor among the merged",
      (s: string, m: string) => ({ survivorId: s, mergedIds: [m, s] }),
      "body.mergedIds.1",
    ],
    [
      "more than nine",
      (s: string) => ({ survivorId: s, mergedIds: Array.from({ length: 10 }, (_, i) => `con_${i}x`) }),
      "body.mergedIds",
    ],
    [
      "an unknown field",
      (s: string, m: string) => ({ survivorId: s, mergedIds: [m], fields: { shoeSize: m } }),
      "body.fields.shoeSize",
    ],
    [
      "a field won by a record not in the merge",
      (s: string, m: string) => ({ survivorId: s, mergedIds: [m], fields: { title: "con_other" } }),
      "body.fields.title",
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

  it("answers 404 naming the field for an id of no contact, and for another organisation's", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const { survivor, merged } = await aPairOfDuplicates(org);
    const foreign = await aContact(other, { firstName: "Foreign" });
    const before = await snapshotOf(org, [survivor.id, merged.id]);

    const unknown = await merge(org, { survivorId: survivor.id, mergedIds: [merged.id, "con_nobody"] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors).toEqual([{ path: "body.mergedIds.1", message: expect.any(String) }]);
    const stolen = await merge(org, { survivorId: foreign.id, mergedIds: [merged.id] });
    expect(stolen.status).toBe(404);
    expect(stolen.body.errors[0].path).toBe("body.survivorId");
    const intoForeign = await merge(other, { survivorId: foreign.id, mergedIds: [merged.id] }, other.admin.token);
    expect(intoForeign.status).toBe(404);
    expect(await snapshotOf(org, [survivor.id, merged.id])).toEqual(before);
  });

  it("is for managers and admins: a member gets 403 and nothing changes", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const member = await org.member("member");
    const response = await merge(org, { survivorId: survivor.id, mergedIds: [merged.id] }, member.token);
    expect(response.status).toBe(403);
    expect((await contact(org, merged.id)).status).toBe(200);
    const manager = await org.member("manager");
    expect((await merge(org, { survivorId: survivor.id, mergedIds: [merged.id] }, manager.token)).status).toBe(200);
  });

  it("gives a clean 409 and changes nothing when a merged contact is edited while the merge decides", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const client = databaseClient();
    let edited = false;
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { TransactItems?: unknown[] };
        if (!edited && input.TransactItems && JSON.stringify(input.TransactItems).includes("mergedInto")) {
          edited = true;
          const edit = await invoke("contacts.update", {
            token: org.admin.token,
            params: { orgId: org.orgId, contactId: merged.id },
            body: { title: "Analyst" },
          });
          expect(edit.status).toBe(200);
        }
        return next(args);
      },
      { step: "initialize", name: "editDuringMerge", override: true },
    );
    removals.push(() => client.middlewareStack.remove("editDuringMerge"));
    const before = await snapshotOf(org, [survivor.id]);

    const response = await merge(org, { survivorId: survivor.id, mergedIds: [merged.id] });
    expect(edited).toBe(true);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe("concurrent-modification");
    expect(await snapshotOf(org, [survivor.id])).toEqual(before);
    expect((await contact(org, merged.id)).body).toMatchObject({ title: "Analyst", version: 2 });
  });

  it("lets no edit that read a merged contact before the merge decided land after it", async () => {
    const org = await anOrganisation();
    const { survivor, merged } = await aPairOfDuplicates(org);
    const client = databaseClient();
    // The edit has read the contact when the merge starts; its write is sent between the merge's mark and the rest.
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
        if (!merging && text.includes("late@engines.example")) {
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
      { step: "initialize", name: "mergeDuringContactEdit", override: true },
    );
    removals.push(() => client.middlewareStack.remove("mergeDuringContactEdit"));

    const edit = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: merged.id },
      body: { emails: [...merged.emails, "late@engines.example"] },
    });
    expect((await merging)?.status).toBe(200);
    expect(edit.status).toBe(404);
    expect(edit.body).toMatchObject({ code: "merged", mergedInto: { type: "contact", id: survivor.id } });
    // The edit's email was never reserved by the merged contact.
    expect((await aContact(org, { emails: ["late@engines.example"] })).emails).toEqual(["late@engines.example"]);
  });
});
