import { describe, expect, it } from "vitest";
import { type ApiResponse, invoke } from "../support/api-events";
import { changesOf, expectUnbrokenHistory } from "../support/audit";
import { aCompany, aContact, aDeal } from "../support/builders";
import { anEmail, anOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

/** Sends every request at once and expects each to apply. */
async function allAtOnce(requests: Array<() => Promise<ApiResponse>>) {
  const responses = await Promise.all(requests.map((request) => request()));
  for (const response of responses) expect(response.status, JSON.stringify(response.body)).toBe(200);
  return responses;
}

// Colliding writers take their turns one after another in DynamoDB Local, which is slow when the machine is busy.
describe("concurrent writes without If-Match", { timeout: 90_000 }, () => {
  it("twenty PATCHes of one contact at once all apply, each on top of the others, with one audit entry each", async () => {
    const org = await anOrganisation();
    const seller = await org.member("member");
    const companies = await Promise.all(
      Array.from({ length: 10 }, (_, index) => aCompany(org, { name: `Company ${index}` })),
    );
    const created = await aContact(org, { firstName: "Ada" });
    const at = { token: org.admin.token, params: { orgId: org.orgId, contactId: created.id } };
    const email = anEmail("ada");
    const titles = ["Countess", "Analyst", "Author", "Translator"];
    // A contact has fewer than twenty independent fields: the four titles replace each other (the audit chain shows
    // that each was written over the one before), and each companyId adds one more company to the contact's list.
    const bodies = [
      { firstName: "Augusta" },
      { lastName: "Lovelace" },
      { emails: [email] },
      { phones: ["+44 20 7946 0958"] },
      { ownerId: seller.memberId },
      { tags: ["mathematics"] },
      ...titles.map((title) => ({ title })),
      ...companies.map((company) => ({ companyId: company.id })),
    ];
    expect(bodies).toHaveLength(20);

    await allAtOnce(bodies.map((body) => () => invoke("contacts.update", { ...at, body })));

    const contact = (await invoke("contacts.get", at)).body;
    expect(contact).toMatchObject({
      version: 21,
      firstName: "Augusta",
      lastName: "Lovelace",
      emails: [email],
      phones: ["+44 20 7946 0958"],
      ownerId: seller.memberId,
      tags: ["mathematics"],
      title: expect.toBeOneOf(titles),
      companyId: contact.companyIds[0],
    });
    expect([...contact.companyIds].sort()).toEqual(companies.map((company) => company.id).sort());
    const changes = await changesOf(org, contact.id);
    expect(changes).toHaveLength(20);
    expectUnbrokenHistory(changes, ["title", "companyId", "companyIds"], created, contact);
  });

  it("PATCHes and stage moves of one deal at once all apply, and its stage totals count it once", async () => {
    const org = await anOrganisation();
    const seller = await org.member("member");
    const { pipeline, stage } = await defaultPipelineOf(org);
    const company = await aCompany(org, { name: "Engines Ltd" });
    const contact = await aContact(org, { firstName: "Charles" });
    const deal = await aDeal(org);
    const at = { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } };
    const patches = [
      { title: "Difference engine" },
      { value: { amount: 9_000_00, currency: "GBP" } },
      { ownerId: seller.memberId },
      { expectedCloseDate: "2026-12-31" },
      { companyId: company.id },
      { contactIds: [contact.id] },
      { tags: ["hardware"] },
    ];
    const stops = ["Qualified", "Proposal", "Negotiation", "Won", "Lost"].map((name) => stage(name).id);

    await allAtOnce([
      ...patches.map((body) => () => invoke("deals.update", { ...at, body })),
      ...stops.map((stageId) => () => invoke("deals.moveStage", { ...at, body: { stageId } })),
    ]);

    const final = (await invoke("deals.get", at)).body;
    expect(final).toMatchObject({
      version: 13,
      title: "Difference engine",
      value: { amount: 9_000_00, currency: "GBP" },
      ownerId: seller.memberId,
      expectedCloseDate: "2026-12-31",
      companyId: company.id,
      contactIds: [contact.id],
      tags: ["hardware"],
    });
    const history = await invoke("deals.stageHistory", at);
    const moves: { fromStageId: string | null; toStageId: string }[] = history.body.moves;
    expect(moves.map((move) => move.toStageId).sort()).toEqual([stage("Lead").id, ...stops].sort());
    // Each move starts where the one before ended: none was made from a stale read.
    expect(moves.map((move) => move.fromStageId)).toEqual([null, ...moves.slice(0, -1).map((move) => move.toStageId)]);
    expect(moves.at(-1)?.toStageId).toBe(final.stageId);

    const board = await invoke("pipelines.board", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
    });
    for (const column of board.body.stages) {
      const here = column.id === final.stageId;
      expect(column.dealCount, column.name).toBe(here ? 1 : 0);
      expect(
        column.totals.map(({ currency, value }: { currency: string; value: number }) => ({ currency, value })),
        column.name,
      ).toEqual(here ? [{ currency: "GBP", value: 9_000_00 }] : []);
    }
    const changes = await changesOf(org, deal.id);
    expect(changes).toHaveLength(12);
    const stored = (record: typeof final) => ({
      ...record,
      amount: record.value.amount,
      currency: record.value.currency,
    });
    expectUnbrokenHistory(
      changes,
      ["title", "amount", "currency", "ownerId", "expectedCloseDate", "companyId", "contactIds", "tags", "stageId"],
      stored(deal),
      stored(final),
    );
  });

  it("PATCHes of every field of one company at once all apply, with one audit entry each", async () => {
    const org = await anOrganisation();
    const seller = await org.member("member");
    const created = await aCompany(org, { name: "Initrode" });
    const at = { token: org.admin.token, params: { orgId: org.orgId, companyId: created.id } };
    const domain = `initech-${created.id.slice(-8)}.example`;
    const address = { street: "1 Main Street", city: "Austin", country: "US" };
    const bodies = [
      { name: "Initech" },
      { domain },
      { industry: "Software" },
      { size: "51-200" },
      { address },
      { ownerId: seller.memberId },
      { tags: ["b2b"] },
    ];

    await allAtOnce(bodies.map((body) => () => invoke("companies.update", { ...at, body })));

    const company = (await invoke("companies.get", at)).body;
    expect(company).toMatchObject({
      version: 8,
      name: "Initech",
      domain,
      industry: "Software",
      size: "51-200",
      address,
      ownerId: seller.memberId,
      tags: ["b2b"],
    });
    expect(await changesOf(org, company.id)).toHaveLength(7);
  });
});
