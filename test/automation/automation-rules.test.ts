import { busSubscriptions, schedules } from "@crm/core/declarations";
import { importHandler } from "@crm/local/gateway";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { aContact, aDeal, anActivity } from "../support/builders";
import { eventually, startEventPipeline } from "../support/event-pipeline";
import { anOrganisation, type TestOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";
import { aWebhook } from "../webhooks/support/webhooks";

let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
beforeAll(async () => {
  pipeline = await startEventPipeline({ automation: busSubscriptions.automation });
});
afterAll(async () => {
  await pipeline?.stop();
});

async function aRule(org: TestOrganisation, body: Record<string, unknown>) {
  const response = await invoke("automationRules.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { name: "A rule", ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string };
}

async function runsOf(org: TestOrganisation, ruleId: string) {
  const response = await invoke("automationRules.runs", {
    token: org.admin.token,
    params: { orgId: org.orgId, ruleId },
  });
  expect(response.status).toBe(200);
  return response.body.data as { status: string; actionsTaken: string[]; error: string | null; eventType: string }[];
}

const dealOf = async (org: TestOrganisation, dealId: string) =>
  (await invoke("deals.get", { token: org.admin.token, params: { orgId: org.orgId, dealId } })).body;

describe("automation rules", () => {
  it("react to a deal moved to Proposal: a task for its owner and a tag, logged in the run log", async () => {
    const org = await anOrganisation();
    const seller = await org.member("member");
    const { stage } = await defaultPipelineOf(org);
    const rule = await aRule(org, {
      trigger: {
        eventType: "deal.stage_changed",
        conditions: [
          { kind: "equals", field: "stageId", value: stage("Proposal").id },
          { kind: "greaterThan", field: "amount", value: 1_000_00 },
        ],
      },
      actions: [
        { type: "createTask", title: "Send the proposal for {{record.title}}", assignee: "owner", dueInDays: 2 },
        { type: "addTag", tag: "proposal" },
      ],
    });
    const small = await aDeal(org, { title: "Small", value: { amount: 500_00, currency: "EUR" } }, seller.token);
    const big = await aDeal(org, { title: "Big", value: { amount: 5_000_00, currency: "EUR" } }, seller.token);
    for (const deal of [small, big]) {
      await invoke("deals.moveStage", {
        token: seller.token,
        params: { orgId: org.orgId, dealId: deal.id },
        body: { stageId: stage("Proposal").id },
      });
    }

    const tasks = await eventually(async () => {
      const open = await invoke("tasks.listOpen", { token: seller.token, params: { orgId: org.orgId } });
      expect(open.body.data).toHaveLength(1);
      return open.body.data;
    });
    expect(tasks[0]).toMatchObject({
      subject: "Send the proposal for Big",
      assigneeId: seller.memberId,
      dealIds: [big.id],
    });
    await eventually(async () => expect((await dealOf(org, big.id)).tags).toEqual(["proposal"]));
    expect((await dealOf(org, small.id)).tags).toEqual([]);
    const runs = await eventually(async () => {
      const all = await runsOf(org, rule.id);
      expect(all.map((run) => run.status)).toEqual(["succeeded"]);
      return all;
    });
    expect(runs[0]?.actionsTaken).toEqual([
      expect.stringContaining('create task "Send the proposal for Big"'),
      expect.stringContaining("add tag proposal"),
    ]);
  });

  it("do not trigger themselves forever: a rule's own change is skipped with a clear log entry", async () => {
    const org = await anOrganisation();
    const rule = await aRule(org, {
      trigger: { eventType: "deal.updated", conditions: [] },
      actions: [{ type: "updateField", field: "title", value: "Renamed by a rule" }],
    });
    const deal = await aDeal(org);
    await invoke("deals.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
      body: { title: "Renamed by a person" },
    });
    const runs = await eventually(async () => {
      const all = await runsOf(org, rule.id);
      expect(all).toHaveLength(2);
      return all;
    });
    expect(runs.map((run) => run.status).sort()).toEqual(["skipped", "succeeded"]);
    expect(runs.find((run) => run.status === "skipped")?.error).toMatch(/loop protection: .*this rule's own change/);
    await pipeline.settle();
    expect((await dealOf(org, deal.id)).title).toBe("Renamed by a rule");
    expect(await runsOf(org, rule.id)).toHaveLength(2);
  });

  it("stop chains of rules reacting to each other at a fixed depth, and log why", async () => {
    const org = await anOrganisation();
    // Each rule creates a task whenever an activity is created, so each reacts to the other's task forever.
    const followUp = (name: string) =>
      aRule(org, {
        name,
        trigger: { eventType: "activity.created", conditions: [] },
        actions: [{ type: "createTask", title: `${name} follow-up`, assignee: org.admin.memberId, dueInDays: 1 }],
      });
    const ping = await followUp("Ping");
    const pong = await followUp("Pong");
    const contact = await aContact(org, { firstName: "Ada" });
    await anActivity(org, { type: "note", subject: "Met Ada", contactIds: [contact.id] });
    const allRuns = async () => [...(await runsOf(org, ping.id)), ...(await runsOf(org, pong.id))];
    const stopped = await eventually(async () => {
      const runs = (await allRuns()).filter((run) => run.error?.includes("rules already reacted 3 times"));
      expect(runs.length).toBeGreaterThan(0);
      return runs;
    });
    expect(stopped.every((run) => run.status === "skipped")).toBe(true);
    await pipeline.settle();
    const settled = (await allRuns()).length;
    await pipeline.settle();
    expect((await allRuns()).length).toBe(settled);
    const tasks = await invoke("tasks.listOpen", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(tasks.body.data.length).toBeLessThanOrEqual(2 + 2 + 2);
  });

  it("assign owners round-robin among the named members", async () => {
    const org = await anOrganisation();
    const ann = await org.member("member");
    const ben = await org.member("member");
    await aRule(org, {
      trigger: { eventType: "deal.created", conditions: [] },
      actions: [{ type: "assignRoundRobin", memberIds: [ann.memberId, ben.memberId] }],
    });
    const deals = [
      await aDeal(org, { title: "1" }),
      await aDeal(org, { title: "2" }),
      await aDeal(org, { title: "3" }),
    ];
    await eventually(async () => {
      const owners = await Promise.all(deals.map(async (deal) => (await dealOf(org, deal.id)).ownerId));
      expect(owners.filter((owner) => owner === ann.memberId)).toHaveLength(2);
      expect(owners.filter((owner) => owner === ben.memberId)).toHaveLength(1);
    });
  });

  it("schedule the actions after a delay instead of waiting, and run them when the scheduled job finds them due", async () => {
    const org = await anOrganisation();
    const rule = await aRule(org, {
      trigger: { eventType: "contact.created", conditions: [] },
      actions: [
        { type: "delay", days: 2 },
        { type: "addTag", tag: "nurture" },
      ],
    });
    const contact = await aContact(org, { firstName: "Later" });
    await eventually(async () => expect((await runsOf(org, rule.id)).map((run) => run.status)).toEqual(["waiting"]));
    const job = await importHandler<() => Promise<{ continued: number }>>(schedules.automationDelays.handler);
    expect((await job()).continued).toBe(0);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 86_400_000 + 60_000);
    try {
      expect((await job()).continued).toBeGreaterThanOrEqual(1);
    } finally {
      vi.useRealTimers();
    }
    const after = await invoke("contacts.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: contact.id },
    });
    expect(after.body.tags).toEqual(["nurture"]);
    expect((await runsOf(org, rule.id))[0]).toMatchObject({ status: "succeeded" });
  });

  it("show in a dry run whether they match an event and what they would do, without doing it", async () => {
    const org = await anOrganisation();
    const { stage } = await defaultPipelineOf(org);
    const rule = await aRule(org, {
      enabled: false,
      trigger: {
        eventType: "deal.stage_changed",
        conditions: [{ kind: "equals", field: "stageId", value: stage("Won").id }],
      },
      actions: [{ type: "createTask", title: "Kick-off for {{record.title}}", assignee: "owner", dueInDays: 1 }],
    });
    const deal = await aDeal(org, { title: "Engines", stageId: stage("Won").id });
    const dryRun = await invoke("automationRules.dryRun", {
      token: org.admin.token,
      params: { orgId: org.orgId, ruleId: rule.id },
      body: { event: { type: "deal.stage_changed", record: { type: "deal", id: deal.id } } },
    });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    expect(dryRun.body).toMatchObject({
      matches: true,
      actions: [expect.stringContaining('create task "Kick-off for Engines"')],
    });
    const open = await invoke("tasks.listOpen", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(open.body.data).toEqual([]);
  });

  it("refuse another organisation's webhook or members in their actions, naming the field, and store nothing", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const seller = await org.member("member");
    const theirWebhook = await aWebhook(other, { url: "https://hooks.example.test/theirs" });
    const theirs = other.admin.memberId;
    const madeUp = "mem_0123456789abcdefghijklmnop";
    const tag = { type: "addTag", tag: "x" };
    const manyMembers = (turn: number) =>
      Array.from({ length: 50 }, (_, index) => `mem_${String(turn * 50 + index).padStart(26, "0")}`);
    const refusals: [Record<string, unknown>[], string][] = [
      [[tag, { type: "sendWebhook", webhookId: theirWebhook.id }], "body.actions.1.webhookId"],
      [[{ type: "sendWebhook", webhookId: "wh_made_up" }], "body.actions.0.webhookId"],
      [[{ type: "assignRoundRobin", memberIds: [seller.memberId, theirs] }], "body.actions.0.memberIds.1"],
      [[tag, tag, { type: "createTask", title: "Call", assignee: madeUp }], "body.actions.2.assignee"],
      [
        [{ type: "notify", recipients: ["owner", seller.memberId, theirs], message: "Hi" }],
        "body.actions.0.recipients.2",
      ],
      [[{ type: "updateField", field: "ownerId", value: theirs }], "body.actions.0.value"],
      // More than one transaction can check: refused as a whole rather than half-checked.
      [[0, 1].map((turn) => ({ type: "assignRoundRobin", memberIds: manyMembers(turn) })), "body.actions"],
    ];

    for (const [actions, path] of refusals) {
      const refused = await invoke("automationRules.create", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body: { name: "Leaky", trigger: { eventType: "deal.created" }, actions },
      });
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.errors).toEqual([{ path, message: expect.any(String) }]);
    }
    const listed = await invoke("automationRules.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(listed.body.data).toEqual([]);
  });

  it("refuse an update whose actions name another organisation's webhook or members, and keep the rule as it was", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const seller = await org.member("member");
    const ourWebhook = await aWebhook(org, { url: "https://hooks.example.test/ours" });
    const theirWebhook = await aWebhook(other, { url: "https://hooks.example.test/theirs" });
    const rule = await aRule(org, {
      trigger: { eventType: "deal.created" },
      actions: [
        { type: "sendWebhook", webhookId: ourWebhook.id },
        { type: "assignRoundRobin", memberIds: [seller.memberId, org.admin.memberId] },
        { type: "createTask", title: "Call", assignee: seller.memberId },
        { type: "notify", recipients: [seller.memberId, "owner"], message: "New deal" },
      ],
    });
    const params = { orgId: org.orgId, ruleId: rule.id };
    const before = await invoke("automationRules.get", { token: org.admin.token, params });
    const refusals: [Record<string, unknown>, string][] = [
      [{ type: "sendWebhook", webhookId: theirWebhook.id }, "body.actions.0.webhookId"],
      [{ type: "assignRoundRobin", memberIds: [other.admin.memberId] }, "body.actions.0.memberIds.0"],
      [{ type: "createTask", title: "Call", assignee: other.admin.memberId }, "body.actions.0.assignee"],
      [{ type: "notify", recipients: [other.admin.memberId], message: "Hi" }, "body.actions.0.recipients.0"],
    ];

    for (const [action, path] of refusals) {
      const refused = await invoke("automationRules.update", {
        token: org.admin.token,
        params,
        body: { actions: [action] },
      });
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.errors).toEqual([{ path, message: expect.any(String) }]);
    }
    const after = await invoke("automationRules.get", { token: org.admin.token, params });
    expect(after.body).toEqual(before.body);

    const renamed = await invoke("automationRules.update", {
      token: org.admin.token,
      params,
      body: { name: "Renamed" },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
  });

  it("refuse an unknown action, and are for managers and admins", async () => {
    const org = await anOrganisation();
    const refused = await invoke("automationRules.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { name: "X", trigger: { eventType: "deal.created" }, actions: [{ type: "launchRocket" }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toMatch(/^body\.actions\.0/);
    const member = await org.member("member");
    const forbidden = await invoke("automationRules.list", { token: member.token, params: { orgId: org.orgId } });
    expect(forbidden.status).toBe(403);
  });
});
