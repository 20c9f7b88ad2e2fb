import type { RouteId } from "@crm/core/declarations";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal, anActivity } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

/** One of each record another organisation's ids could be taken from. */
async function recordsOf(org: TestOrganisation) {
  const contact = await aContact(org, { firstName: "Ada" });
  const company = await aCompany(org, { name: "Engines Ltd" });
  const deal = await aDeal(org);
  const { pipeline, stage } = await defaultPipelineOf(org);
  return { member: org.admin.memberId, contact, company, deal, pipeline, stage: stage("Won") };
}

/** Every write of these records appends to the audit log in its own transaction: an unchanged log, nothing written. */
const auditLogOf = async (org: TestOrganisation) =>
  (await invoke("audit.list", { token: org.admin.token, params: { orgId: org.orgId }, query: { limit: "100" } })).body
    .data;

describe("references to another organisation's records", () => {
  it("are refused on every create and update with a 400 naming the field, and nothing is written", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const ours = await recordsOf(org);
    const theirs = await recordsOf(other);
    const call = await anActivity(org, {
      type: "call",
      subject: "Intro",
      contactIds: [ours.contact.id],
    });
    const update = (routeId: RouteId, params: Record<string, string>, body: Record<string, unknown>) => ({
      routeId,
      params,
      body,
    });
    const create = (routeId: RouteId, body: Record<string, unknown>) => update(routeId, {}, body);
    const deal = { title: "Forty licences", value: { amount: 4_000_00, currency: "EUR" } };
    const contactParams = { contactId: ours.contact.id };
    const companyParams = { companyId: ours.company.id };
    const dealParams = { dealId: ours.deal.id };
    const callParams = { activityId: call.id };
    const cases = [
      [create("contacts.create", { firstName: "B", ownerId: theirs.member }), "body.ownerId"],
      [create("contacts.create", { firstName: "B", companyId: theirs.company.id }), "body.companyId"],
      [
        create("contacts.create", { firstName: "B", companyIds: [ours.company.id, theirs.company.id] }),
        "body.companyIds",
      ],
      [update("contacts.update", contactParams, { ownerId: theirs.member }), "body.ownerId"],
      [update("contacts.update", contactParams, { companyId: theirs.company.id }), "body.companyId"],
      [update("contacts.update", contactParams, { companyIds: [theirs.company.id] }), "body.companyIds"],
      [create("companies.create", { name: "B", ownerId: theirs.member }), "body.ownerId"],
      [update("companies.update", companyParams, { ownerId: theirs.member }), "body.ownerId"],
      [create("deals.create", { ...deal, ownerId: theirs.member }), "body.ownerId"],
      [create("deals.create", { ...deal, companyId: theirs.company.id }), "body.companyId"],
      [create("deals.create", { ...deal, contactIds: [theirs.contact.id] }), "body.contactIds"],
      [create("deals.create", { ...deal, pipelineId: theirs.pipeline.id }), "body.pipelineId"],
      [create("deals.create", { ...deal, stageId: theirs.stage.id }), "body.stageId"],
      [update("deals.update", dealParams, { ownerId: theirs.member }), "body.ownerId"],
      [update("deals.update", dealParams, { companyId: theirs.company.id }), "body.companyId"],
      [update("deals.update", dealParams, { contactIds: [theirs.contact.id] }), "body.contactIds"],
      [update("deals.moveStage", dealParams, { stageId: theirs.stage.id }), "body.stageId"],
      [create("activities.create", { type: "note", subject: "N", contactIds: [theirs.contact.id] }), "body.contactIds"],
      [create("activities.create", { type: "note", subject: "N", companyIds: [theirs.company.id] }), "body.companyIds"],
      [create("activities.create", { type: "note", subject: "N", dealIds: [theirs.deal.id] }), "body.dealIds.0"],
      [update("activities.update", callParams, { contactIds: [theirs.contact.id] }), "body.contactIds"],
      [update("activities.update", callParams, { companyIds: [theirs.company.id] }), "body.companyIds"],
      [update("activities.update", callParams, { dealIds: [theirs.deal.id] }), "body.dealIds.0"],
    ] as const;
    const before = await auditLogOf(org);

    for (const [{ routeId, params, body }, path] of cases) {
      const response = await invoke(routeId, {
        token: org.admin.token,
        params: { orgId: org.orgId, ...params },
        body,
      });
      expect.soft(response.status, `${routeId} ${JSON.stringify(body)}`).toBe(400);
      expect
        .soft(response.body.errors, `${routeId} ${JSON.stringify(body)}`)
        .toEqual([{ path, message: expect.any(String) }]);
    }
    expect(await auditLogOf(org)).toEqual(before);
  });
});
