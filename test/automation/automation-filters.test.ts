import { busSubscriptions } from "@crm/core/declarations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact, aDeal, anActivity } from "../support/builders";
import { eventually, startEventPipeline } from "../support/event-pipeline";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
beforeAll(async () => {
  pipeline = await startEventPipeline({ automation: busSubscriptions.automation });
});
afterAll(async () => {
  await pipeline?.stop();
});

const createRule = (org: TestOrganisation, body: Record<string, unknown>) =>
  invoke("automationRules.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { name: "A rule", actions: [{ type: "addTag", tag: "flagged" }], ...body },
  });

async function aRule(org: TestOrganisation, body: Record<string, unknown>) {
  const response = await createRule(org, body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; trigger: Record<string, unknown> };
}

const bigOrKey = {
  or: [
    { and: [{ field: "amount", op: "gte", value: 10_000_00 }] },
    {
      and: [
        { field: "tags", op: "contains", value: "KEY" },
        { field: "currency", op: "in", value: ["EUR", "GBP"] },
      ],
    },
  ],
};

describe("automation rules with a filter", () => {
  it("act on the records the filter keeps and not on the others, alongside the other conditions", async () => {
    const org = await anOrganisation();
    const rule = await aRule(org, {
      trigger: {
        eventType: "deal.created",
        conditions: [{ kind: "isSet", field: "ownerId" }],
        filter: bigOrKey,
      },
    });
    expect(rule.trigger.filter).toEqual(bigOrKey);
    const big = await aDeal(org, { title: "Big", value: { amount: 20_000_00, currency: "USD" } });
    const key = await aDeal(org, { title: "Key", value: { amount: 100_00, currency: "EUR" }, tags: ["key"] });
    const keyInDollars = await aDeal(org, {
      title: "Key $",
      value: { amount: 100_00, currency: "USD" },
      tags: ["key"],
    });
    const small = await aDeal(org, { title: "Small", value: { amount: 100_00, currency: "EUR" } });

    const tagsOf = async (dealId: string) =>
      (await invoke("deals.get", { token: org.admin.token, params: { orgId: org.orgId, dealId } })).body.tags;
    await eventually(async () => {
      expect(await tagsOf(big.id)).toContain("flagged");
      expect(await tagsOf(key.id)).toContain("flagged");
    });
    await pipeline.settle();
    expect(await tagsOf(keyInDollars.id)).toEqual(["key"]);
    expect(await tagsOf(small.id)).toEqual([]);
  });

  it("filter activities and tasks by the activity fields", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org);
    await aRule(org, {
      trigger: {
        eventType: "activity.created",
        filter: {
          and: [
            { field: "type", op: "eq", value: "task" },
            { field: "priority", op: "eq", value: "high" },
            { field: "done", op: "eq", value: false },
          ],
        },
      },
      actions: [{ type: "notify", recipients: [org.admin.memberId], message: "Urgent: {{record.title}}" }],
    });
    await anActivity(org, { type: "task", subject: "Urgent call", priority: "high", contactIds: [contact.id] });
    await anActivity(org, { type: "task", subject: "Whenever", priority: "low", contactIds: [contact.id] });
    await anActivity(org, { type: "note", subject: "A note", contactIds: [contact.id] });
    const notifications = await eventually(async () => {
      const listed = await invoke("notifications.list", { token: org.admin.token, params: { orgId: org.orgId } });
      expect(listed.body.data.length).toBeGreaterThan(0);
      return listed.body.data as { message?: string; body?: string }[];
    });
    await pipeline.settle();
    const again = await invoke("notifications.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(again.body.data).toHaveLength(notifications.length);
    expect(JSON.stringify(again.body.data)).toContain("Urgent: Urgent call");
    expect(JSON.stringify(again.body.data)).not.toContain("Whenever");
  });

  it("explain in a dry run, condition by condition, why the filter holds or not", async () => {
    const org = await anOrganisation();
    const rule = await aRule(org, { enabled: false, trigger: { eventType: "deal.updated", filter: bigOrKey } });
    const dryRun = async (dealId: string) => {
      const response = await invoke("automationRules.dryRun", {
        token: org.admin.token,
        params: { orgId: org.orgId, ruleId: rule.id },
        body: { event: { type: "deal.updated", record: { type: "deal", id: dealId } } },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as { matches: boolean; reasons: string[]; actions: string[] };
    };
    const key = await aDeal(org, { title: "Key", value: { amount: 100_00, currency: "GBP" }, tags: ["key"] });
    expect(await dryRun(key.id)).toEqual({
      matches: true,
      reasons: [
        "the event is deal.updated",
        "✗ group 1: amount gte 1000000 (it is 10000)",
        '✓ group 2: tags contains "key" (it is ["key"])',
        '✓ group 2: currency in ["EUR","GBP"] (it is "GBP")',
        "✓ the filter holds",
      ],
      actions: [expect.stringContaining("add tag flagged")],
    });
    const small = await aDeal(org, { title: "Small", value: { amount: 100_00, currency: "USD" } });
    expect(await dryRun(small.id)).toMatchObject({
      matches: false,
      reasons: expect.arrayContaining(['✗ group 2: tags contains "key" (it is [])', "✗ the filter does not hold"]),
      actions: [],
    });
  });

  it.each([
    [
      "a field the record type's list does not filter on",
      "deal.created",
      { and: [{ field: "amonut", op: "gt", value: 1 }] },
      "body.trigger.filter.and.0.field",
    ],
    [
      "an operator the field does not take",
      "contact.updated",
      {
        or: [
          { and: [{ field: "tags", op: "isEmpty" }] },
          { and: [{ field: "ownerId", op: "startsWith", value: "m" }] },
        ],
      },
      "body.trigger.filter.or.1.and.0.op",
    ],
    [
      "a value of the wrong kind",
      "task.completed",
      { and: [{ field: "doneAt", op: "gt", value: "last week" }] },
      "body.trigger.filter.and.0.value",
    ],
    [
      "a filter on events of records that have no list catalogue",
      "invoice.paid",
      { and: [{ field: "status", op: "eq", value: "paid" }] },
      "body.trigger.filter",
    ],
    [
      "a filter that is neither a group nor groups",
      "deal.created",
      { field: "amount", op: "gt" },
      "body.trigger.filter",
    ],
  ])("refuse %s, naming the place, and store nothing", async (_, eventType, filter, path) => {
    const org = await anOrganisation();
    const refused = await createRule(org, { trigger: { eventType, filter } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors[0].path).toMatch(new RegExp(`^${path.replaceAll(".", "\\.")}`));
    const listed = await invoke("automationRules.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(listed.body.data).toEqual([]);
  });

  it("refuse an update whose filter does not fit, and keep the rule as it was", async () => {
    const org = await anOrganisation();
    const rule = await aRule(org, { trigger: { eventType: "deal.created", filter: bigOrKey } });
    const params = { orgId: org.orgId, ruleId: rule.id };
    const refused = await invoke("automationRules.update", {
      token: org.admin.token,
      params,
      body: { trigger: { eventType: "company.created", filter: bigOrKey } },
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errors.map((issue: { path: string }) => issue.path)).toEqual([
      "body.trigger.filter.or.0.and.0.field",
      "body.trigger.filter.or.1.and.1.field",
    ]);
    const kept = await invoke("automationRules.get", { token: org.admin.token, params });
    expect(kept.body.trigger).toMatchObject({ eventType: "deal.created", filter: bigOrKey });
  });

  it("are managed by managers and admins only, filter or not", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const refused = await invoke("automationRules.create", {
      token: member.token,
      params: { orgId: org.orgId },
      body: {
        name: "Mine",
        trigger: { eventType: "deal.created", filter: bigOrKey },
        actions: [{ type: "addTag", tag: "x" }],
      },
    });
    expect(refused.status).toBe(403);
  });
});
