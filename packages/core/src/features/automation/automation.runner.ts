import type { DomainEvent } from "../../capabilities/events/domain-event.schema";
import { changeSet, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ValidationError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { succeedsUnlessTaken } from "../../platform/transactions";
import { notifyAction } from "../notification/notification.service";
import { pushToMember } from "../realtime/realtime.service";
import { sendEventToWebhook } from "../webhook/webhook-delivery.service";
import {
  dealsOf,
  describeAction,
  evaluate,
  fillTemplate,
  type RecordState,
  type RuleRecords,
} from "./automation.engine";
import { AutomationRuleEntity, AutomationRunEntity, DelayedActionsEntity } from "./automation.entity";
import { triggerFilterFields } from "./automation.filter";
import type { RuleItem, RunItem } from "./automation.queries";
import type { Action, Trigger } from "./automation.schema";

/** The actor id of changes a rule makes, so the events they cause can be traced back to it. */
const systemActorPrefix = "system:automation:";
/** Changes made by rules in reaction to changes made by rules: beyond this depth nothing triggers any more. */
export const maxAutomationDepth = 3;
const runRetentionSeconds = 90 * 86_400;

/** Where an event comes from in a chain of rule reactions: the rule that caused it and how deep the chain is. */
function originOf(event: DomainEvent): { ruleId: string | null; depth: number } {
  const ruleId = event.actor.memberId.startsWith(systemActorPrefix)
    ? event.actor.memberId.slice(systemActorPrefix.length)
    : null;
  const depth = Number(/^automation:(\d+):/.exec(event.requestId)?.[1] ?? 0);
  return { ruleId, depth };
}

/** The context a rule acts in: a named system actor with admin rights, and a request id that carries the depth. */
function ruleContext(orgId: string, ruleId: string, depth: number, eventId: string): TenantContext {
  return {
    orgId,
    requestId: `automation:${depth + 1}:${eventId}`,
    actor: {
      userId: "system",
      email: "automation@system.invalid",
      memberId: `${systemActorPrefix}${ruleId}`,
      role: "admin",
    },
  };
}

/**
 * Runs every enabled rule of the event's organisation that matches it, each at most once per event (its run log
 * entry is created first, conditionally). A rule never reacts to its own changes, and chains of rules reacting to
 * each other stop at a fixed depth; both are logged as skipped.
 */
export async function handleDomainEvent(event: DomainEvent, records: RuleRecords): Promise<void> {
  const { data: all } = await AutomationRuleEntity.query
    .rulesOfOrganisation({ orgId: event.orgId })
    .go({ pages: "all" });
  const rules = all.filter((rule) => rule.enabled && (rule.trigger as Trigger).eventType === event.type);
  if (rules.length === 0) return;
  const origin = originOf(event);
  for (const rule of rules) {
    const context = ruleContext(event.orgId, rule.ruleId, origin.depth, event.id);
    const record = await records.load(context, event);
    const trigger = rule.trigger as Trigger;
    const { matches } = evaluate(trigger, event, record, await triggerFilterFields(event.orgId, trigger));
    if (!matches) continue;
    const loop =
      origin.ruleId === rule.ruleId
        ? "loop protection: the event was caused by this rule's own change"
        : origin.depth >= maxAutomationDepth
          ? `loop protection: rules already reacted ${origin.depth} times in a row`
          : null;
    const started = await startRun(rule, event, loop ? "skipped" : "running", loop ?? undefined);
    if (!started || loop) continue;
    await runActions(context, rule, event, record, rule.actions as Action[], records);
  }
}

/** Creates the run log entry; false when this rule already handled this event (a redelivery). */
async function startRun(rule: RuleItem, event: DomainEvent, status: RunItem["status"], error?: string) {
  const at = now();
  return succeedsUnlessTaken(
    AutomationRunEntity.create({
      orgId: rule.orgId,
      ruleId: rule.ruleId,
      eventId: event.id,
      eventType: event.type,
      recordId: event.record.id,
      status,
      actionsTaken: [],
      ...(error ? { error, finishedAt: at } : {}),
      startedAt: at,
      expiresAt: Math.floor(Date.now() / 1000) + runRetentionSeconds,
    }).go(),
  );
}

async function finishRun(
  rule: Pick<RuleItem, "orgId" | "ruleId">,
  eventId: string,
  status: RunItem["status"],
  taken: string[],
  error?: string,
) {
  await AutomationRunEntity.patch({ orgId: rule.orgId, ruleId: rule.ruleId, eventId })
    .set({ status, finishedAt: now(), ...(error ? { error } : {}) })
    .append({ actionsTaken: taken })
    .go();
}

/**
 * Runs actions in order. A delay stores the remaining actions to run when it is due (the scheduled job picks them
 * up); nothing sleeps. A failing action stops the run and is logged with its error.
 */
async function runActions(
  context: TenantContext,
  rule: RuleItem,
  event: DomainEvent,
  record: RecordState,
  actions: Action[],
  records: RuleRecords,
) {
  const taken: string[] = [];
  for (const [index, action] of actions.entries()) {
    try {
      if (action.type === "delay") {
        const dueAt = new Date(Date.now() + (action.days * 24 + action.hours) * 3_600_000).toISOString();
        await DelayedActionsEntity.put({
          orgId: rule.orgId,
          ruleId: rule.ruleId,
          eventId: event.id,
          event,
          actions: actions.slice(index + 1),
          dueAt,
        }).go();
        taken.push(`${describeAction(action, event, record)}: continues at ${dueAt}`);
        await finishRun(rule, event.id, "waiting", taken);
        return;
      }
      await runAction(context, rule, event, record, action, records);
      taken.push(describeAction(action, event, record));
    } catch (error) {
      const message =
        error instanceof ValidationError
          ? `${error.message} ${JSON.stringify(error.issues)}`
          : error instanceof Error
            ? error.message
            : String(error);
      await finishRun(rule, event.id, "failed", taken, `${describeAction(action, event, record)}: ${message}`);
      return;
    }
  }
  await finishRun(rule, event.id, "succeeded", taken);
}

async function runAction(
  context: TenantContext,
  rule: RuleItem,
  event: DomainEvent,
  record: RecordState,
  action: Exclude<Action, { type: "delay" }>,
  records: RuleRecords,
) {
  const owner = () => {
    const ownerId = record.values.ownerId;
    if (typeof ownerId !== "string") throw new Error("The record has no owner.");
    return ownerId;
  };
  switch (action.type) {
    case "createTask":
      await records.createTask(context, record, {
        subject: fillTemplate(action.title, event, record),
        assigneeId: action.assignee === "owner" ? owner() : action.assignee,
        dueAt: new Date(Date.now() + action.dueInDays * 86_400_000).toISOString(),
        priority: action.priority,
        ...(action.customFields ? { customFields: action.customFields } : {}),
      });
      return;
    case "updateField":
      await records.update(context, record, { [action.field]: action.value });
      return;
    case "setCustomField":
      await records.update(context, record, { customFields: { [action.key]: action.value } });
      return;
    case "addTag": {
      const tags = (record.values.tags as string[] | undefined) ?? [];
      if (!tags.includes(action.tag)) await records.update(context, record, { tags: [...tags, action.tag] });
      return;
    }
    case "assignRoundRobin": {
      const { data } = await AutomationRuleEntity.update({ orgId: rule.orgId, ruleId: rule.ruleId })
        .add({ roundRobinTurn: 1 })
        .go({ response: "updated_new" });
      const turn = ((data as { roundRobinTurn?: number }).roundRobinTurn ?? 1) - 1;
      await records.update(context, record, { ownerId: action.memberIds[turn % action.memberIds.length] });
      return;
    }
    case "notify": {
      const memberIds = [
        ...new Set(action.recipients.map((recipient) => (recipient === "owner" ? owner() : recipient))),
      ];
      const message = fillTemplate(action.message, event, record);
      await changeSet()
        .addAll(
          steps(
            "notification",
            memberIds.map((memberId) =>
              notifyAction({
                orgId: rule.orgId,
                memberId,
                kind: "automation.notify",
                title: rule.name,
                message,
                subject: event.record,
              }),
            ),
          ),
        )
        .commit(() => new Error("The notifications could not be stored."));
      // Stored first, pushed second: a member who is offline finds it in their notifications.
      await Promise.all(
        memberIds.map((memberId) =>
          pushToMember(rule.orgId, memberId, {
            type: "notification",
            notification: { title: rule.name, message, subject: event.record, eventId: event.id },
          }),
        ),
      );
      return;
    }
    case "setDealStatus": {
      const dealIds = dealsOf(record);
      if (dealIds.length === 0) throw new Error(`The ${record.type} is linked to no deal.`);
      for (const dealId of dealIds) {
        await records.closeDeal(context, dealId, {
          status: action.status,
          ...(action.lostReason ? { lostReason: action.lostReason } : {}),
        });
      }
      return;
    }
    case "draftInvoice": {
      const dealIds = dealsOf(record);
      if (dealIds.length === 0) throw new Error(`The ${record.type} is linked to no deal.`);
      for (const dealId of dealIds) await records.draftInvoice(context, dealId, action.provider);
      return;
    }
    case "sendWebhook":
      // The delivery keeps its own log and retries; a failed first attempt is not the rule's failure.
      await sendEventToWebhook(action.webhookId, event);
      return;
    default:
      action satisfies never;
  }
}

/** Continues the runs whose delay is over: one range query on the delay queue, each item claimed before it runs. */
export async function runDueDelayedActions(records: RuleRecords, limit = 50): Promise<number> {
  const at = now();
  const { data: due } = await DelayedActionsEntity.query
    .dueDelayedActions({ queue: "automation" })
    .between({ dueAt: "0" }, { dueAt: at })
    .where(
      (attributes, { notExists, lt }) => `${notExists(attributes.claimedUntil)} OR ${lt(attributes.claimedUntil, at)}`,
    )
    .go({ limit });
  let continued = 0;
  for (const item of due) {
    const claimedUntil = new Date(Date.now() + 5 * 60_000).toISOString();
    const claimed = await succeedsUnlessTaken(
      DelayedActionsEntity.patch({ orgId: item.orgId, ruleId: item.ruleId, eventId: item.eventId })
        .set({ claimedUntil })
        .where(
          (attributes, { notExists, lt }) =>
            `${notExists(attributes.claimedUntil)} OR ${lt(attributes.claimedUntil, at)}`,
        )
        .go(),
    );
    if (!claimed) continue;
    const event = item.event as DomainEvent;
    const rule = await AutomationRuleEntity.get({ orgId: item.orgId, ruleId: item.ruleId }).go({ consistent: true });
    await DelayedActionsEntity.delete({ orgId: item.orgId, ruleId: item.ruleId, eventId: item.eventId }).go();
    if (!rule.data) continue; // the rule was deleted meanwhile: its waiting actions go with it
    const context = ruleContext(item.orgId, item.ruleId, originOf(event).depth, event.id);
    const record = await records.load(context, event);
    await AutomationRunEntity.patch({ orgId: item.orgId, ruleId: item.ruleId, eventId: event.id })
      .set({ status: "running" })
      .go();
    await runActions(context, rule.data, event, record, item.actions as Action[], records);
    continued++;
  }
  return continued;
}
