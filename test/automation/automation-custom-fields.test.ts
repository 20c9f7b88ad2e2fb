import { busSubscriptions } from "@crm/core/declarations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact, aCustomField } from "../support/builders";
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
    body: { name: "Custom fields", ...body },
  });

const contactOf = async (org: TestOrganisation, contactId: string) =>
  (await invoke("contacts.get", { token: org.admin.token, params: { orgId: org.orgId, contactId } })).body;

/** Custom fields in automation: a trigger's filter tests them, `setCustomField` sets one, a task gets its own. */
describe("automation rules and custom fields", () => {
  it("filter on a custom field and set another on the records the filter keeps", async () => {
    const org = await anOrganisation();
    await aCustomField(org, { key: "region", type: "text" });
    await aCustomField(org, { key: "score", type: "number" });
    const rule = await createRule(org, {
      trigger: {
        eventType: "contact.created",
        filter: { and: [{ field: "customFields.region", op: "eq", value: "EMEA" }] },
      },
      actions: [{ type: "setCustomField", key: "score", value: 80 }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    const european = await aContact(org, { firstName: "Ada", customFields: { region: "EMEA" } });
    const american = await aContact(org, { firstName: "Bob", customFields: { region: "AMER" } });

    await eventually(async () =>
      expect((await contactOf(org, european.id)).customFields).toEqual({ region: "EMEA", score: 80 }),
    );
    await pipeline.settle();
    expect((await contactOf(org, american.id)).customFields).toEqual({ region: "AMER" });

    const dryRun = await invoke("automationRules.dryRun", {
      token: org.admin.token,
      params: { orgId: org.orgId, ruleId: rule.body.id },
      body: { event: { type: "contact.created", record: { type: "contact", id: american.id } } },
    });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    expect(dryRun.body.matches).toBe(false);
    expect(dryRun.body.reasons).toContain('✗ customFields.region eq "EMEA" (it is "AMER")');
  });

  it("give a task the activity custom fields it requires", async () => {
    const org = await anOrganisation();
    await aCustomField(org, { recordType: "activity", key: "channel", type: "text", required: true });
    const withoutIt = await createRule(org, {
      trigger: { eventType: "contact.created" },
      actions: [{ type: "createTask", title: "Call {{record.name}}" }],
    });
    expect(withoutIt.status).toBe(400);
    expect(withoutIt.body.errors[0].path).toBe("body.actions.0.customFields.channel");

    const rule = await createRule(org, {
      trigger: { eventType: "contact.created" },
      actions: [{ type: "createTask", title: "Call {{record.name}}", customFields: { channel: "phone" } }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    await aContact(org, { firstName: "Grace" });
    await eventually(async () => {
      const tasks = await invoke("tasks.listOpen", { token: org.admin.token, params: { orgId: org.orgId } });
      expect(tasks.body.data).toEqual([expect.objectContaining({ customFields: { channel: "phone" } })]);
    });
  });

  it.each([
    [
      "a filter on an unknown custom field",
      { filter: { and: [{ field: "customFields.nope", op: "eq", value: "x" }] } },
      [],
      "body.trigger.filter.and.0.field",
    ],
    ["an unknown key to set", {}, [{ type: "setCustomField", key: "nope", value: 1 }], "body.actions.0.key"],
    [
      "a value of the wrong type",
      {},
      [{ type: "setCustomField", key: "score", value: "high" }],
      "body.actions.0.value",
    ],
    [
      "a custom field of an event without one",
      { eventType: "member.created" },
      [{ type: "setCustomField", key: "score", value: 1 }],
      "body.actions.0",
    ],
  ])("refuse %s with 400 naming the place, and store nothing", async (_, trigger, actions, path) => {
    const org = await anOrganisation();
    await aCustomField(org, { key: "score", type: "number" });
    const refused = await createRule(org, {
      trigger: { eventType: "contact.updated", ...trigger },
      actions: actions.length > 0 ? actions : [{ type: "addTag", tag: "x" }],
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors[0].path).toBe(path);
    const rules = await invoke("automationRules.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(rules.body.data).toEqual([]);
  });
});
