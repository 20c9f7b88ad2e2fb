import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";

const dueQueue = globalIndex("gsi4");

/** An organisation's automation rule: a trigger (event type and conditions) and ordered actions. */
export const AutomationRuleEntity = tableEntity({
  model: { service: "crm", entity: "automationRule", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    ruleId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    enabled: { type: "boolean", required: true },
    trigger: { type: "any", required: true },
    actions: { type: "any", required: true },
    /** Advanced by every round-robin assignment, so consecutive matches go to consecutive members. */
    roundRobinTurn: { type: "number", default: 0 },
    version: { type: "number", required: true, default: 1 },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    // In the organisation's own small partition: every rule of an organisation is one strongly consistent query.
    rulesOfOrganisation: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: ["ruleId"] },
    },
  },
});

/**
 * One run of a rule for one event: what it did or why it did not. Created before the actions run, with a condition
 * on its key, so a redelivered event never runs a rule twice. Kept 90 days.
 */
export const AutomationRunEntity = tableEntity({
  model: { service: "crm", entity: "automationRun", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    ruleId: { type: "string", required: true, readOnly: true },
    /** The event's id, so a rule runs at most once per event. */
    eventId: { type: "string", required: true, readOnly: true },
    eventType: { type: "string", required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    status: { type: ["running", "succeeded", "failed", "skipped", "waiting"] as const, required: true },
    actionsTaken: { type: "any", required: true, default: () => [] },
    error: { type: "string" },
    startedAt: { type: "string", required: true, readOnly: true },
    finishedAt: { type: "string" },
    expiresAt: { type: "number", required: true, field: tableDefinition.ttl },
  },
  indexes: {
    runsOfRule: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "ruleId"] },
      sk: { field: primaryKeyFields.sk, composite: ["eventId"] },
    },
  },
});

/**
 * The rest of a rule's actions after a delay step, waiting until `dueAt`: the scheduled job picks due items up
 * with one range query on a queue shared by every organisation (low volume: one item per waiting run).
 */
export const DelayedActionsEntity = tableEntity({
  model: { service: "crm", entity: "delayedActions", version: "1" },
  attributes: {
    queue: { type: ["automation"] as const, required: true, readOnly: true, default: "automation" },
    orgId: { type: "string", required: true, readOnly: true },
    ruleId: { type: "string", required: true, readOnly: true },
    eventId: { type: "string", required: true, readOnly: true },
    event: { type: "any", required: true, readOnly: true },
    actions: { type: "any", required: true, readOnly: true },
    dueAt: { type: "string", required: true, readOnly: true },
    /** While a job runs it, others leave it alone until this time (then it is picked up again). */
    claimedUntil: { type: "string" },
  },
  indexes: {
    delayed: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "ruleId", "eventId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    dueDelayedActions: {
      index: dueQueue.index,
      pk: { field: dueQueue.pk, composite: ["queue"] },
      sk: { field: dueQueue.sk, composite: ["dueAt", "eventId"] },
    },
  },
});
