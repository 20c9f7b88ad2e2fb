import type { EntityItem } from "electrodb";
import type { DomainEvent } from "../../capabilities/events/domain-event.schema";
import { type Reference, referenceSteps } from "../../domain/references";
import { type ChangeStep, changeSet, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { ConcurrentModificationError, NotFoundError, ValidationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import { newId } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { isConditionalCheckFailure } from "../../platform/transactions";
import { notifyAction } from "../notification/notification.service";
import { pushToMember } from "../realtime/realtime.service";
import { webhookReferenceStep } from "../webhook/webhook.references";
import { sendEventToWebhook } from "../webhook/webhook-delivery.service";
import {
  createTaskFor,
  describeAction,
  evaluateCondition,
  fillTemplate,
  loadRecordState,
  type RecordState,
  updateRecord,
} from "./automation.engine";
import { AutomationRuleEntity, AutomationRunEntity, DelayedActionsEntity } from "./automation.entity";
import type {
  Action,
  CreateRuleInput,
  DryRunInput,
  DryRunResult,
  ListRunsQuery,
  Rule,
  Run,
  Trigger,
  UpdateRuleInput,
} from "./automation.schema";

type RuleItem = EntityItem<typeof AutomationRuleEntity>;
type RunItem = EntityItem<typeof AutomationRunEntity>;

/** The actor id of changes a rule makes, so the events they cause can be traced back to it. */
const systemActorPrefix = "system:automation:";
/** Changes made by rules in reaction to changes made by rules: beyond this depth nothing triggers any more. */
export const maxAutomationDepth = 3;
const runRetentionSeconds = 90 * 86_400;

function toRule(item: RuleItem): Rule {
  return {
    id: item.ruleId,
    name: item.name,
    enabled: item.enabled,
    trigger: item.trigger as Trigger,
    actions: item.actions as Action[],
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

function toRun(item: RunItem): Run {
  return {
    eventId: item.eventId,
    eventType: item.eventType,
    recordId: item.recordId,
    status: item.status,
    actionsTaken: item.actionsTaken as string[],
    error: item.error ?? null,
    startedAt: item.startedAt,
    finishedAt: item.finishedAt ?? null,
  };
}

/** One transaction holds at most 100 actions: the rule's own write and one check per member or webhook it names. */
const maxRuleReferences = 99;

/**
 * The checks that the members and webhooks a rule's actions name belong to the organisation, each id once (a
 * transaction touches an item once), reported on the first field that names it. They are steps of the rule's own
 * write, so one removed meanwhile cannot slip in.
 */
function actionReferenceSteps(orgId: string, ruleId: string, actions: Action[]): ChangeStep[] {
  const members = new Map<string, Reference>();
  const webhooks = new Map<string, ChangeStep>();
  const addMembers = (ids: string[], path: (position: number) => string) => {
    for (const [position, memberId] of ids.entries()) {
      if (memberId !== "owner" && !members.has(memberId)) {
        members.set(memberId, { kind: "member", memberId, path: path(position) });
      }
    }
  };
  for (const [index, action] of actions.entries()) {
    const path = `body.actions.${index}`;
    switch (action.type) {
      case "createTask":
        addMembers([action.assignee], () => `${path}.assignee`);
        break;
      case "assignRoundRobin":
        addMembers(action.memberIds, (position) => `${path}.memberIds.${position}`);
        break;
      case "notify":
        addMembers(action.recipients, (position) => `${path}.recipients.${position}`);
        break;
      case "updateField":
        if (action.field === "ownerId" && action.value !== null) addMembers([action.value], () => `${path}.value`);
        break;
      case "sendWebhook":
        if (!webhooks.has(action.webhookId)) {
          webhooks.set(action.webhookId, webhookReferenceStep(orgId, action.webhookId, `${path}.webhookId`));
        }
        break;
      case "addTag":
      case "delay":
        break;
      default:
        action satisfies never;
    }
  }
  if (members.size + webhooks.size > maxRuleReferences) {
    throw new ValidationError([
      { path: "body.actions", message: `A rule names at most ${maxRuleReferences} different members and webhooks.` },
    ]);
  }
  return [...referenceSteps(orgId, { type: "rule", id: ruleId }, [...members.values()]), ...webhooks.values()];
}

export async function createRule(context: TenantContext, input: CreateRuleInput): Promise<Rule> {
  const at = now();
  const rule: RuleItem = {
    orgId: context.orgId,
    ruleId: newId("rule"),
    name: input.name,
    enabled: input.enabled,
    trigger: input.trigger,
    actions: input.actions,
    roundRobinTurn: 0,
    version: 1,
    createdBy: context.actor.memberId,
    createdAt: at,
    updatedAt: at,
  };
  const references = actionReferenceSteps(context.orgId, rule.ruleId, input.actions);
  await changeSet()
    .add("automation rule", inTransaction(AutomationRuleEntity).create(rule).commit())
    .addAll(references)
    .commit(() => new ConcurrentModificationError("automation rule", rule.ruleId));
  return toRule(rule);
}

async function loadRule(orgId: string, ruleId: string): Promise<RuleItem> {
  const { data } = await AutomationRuleEntity.get({ orgId, ruleId }).go({ consistent: true });
  if (!data) throw new NotFoundError("automation rule", ruleId);
  return data;
}

export async function getRule(context: TenantContext, ruleId: string): Promise<Rule> {
  return toRule(await loadRule(context.orgId, ruleId));
}

export async function listRules(context: TenantContext): Promise<{ data: Rule[]; nextCursor: null }> {
  const { data } = await AutomationRuleEntity.query
    .rulesOfOrganisation({ orgId: context.orgId })
    .go({ consistent: true, pages: "all" });
  return { data: data.map(toRule), nextCursor: null };
}

export async function updateRule(
  context: TenantContext,
  ruleId: string,
  input: UpdateRuleInput,
  preconditions?: Preconditions,
): Promise<Rule> {
  const current = await loadRule(context.orgId, ruleId);
  assertPreconditions(preconditions, current, "automation rule", ruleId);
  const next: RuleItem = {
    ...current,
    name: input.name ?? current.name,
    enabled: input.enabled ?? current.enabled,
    trigger: input.trigger ?? current.trigger,
    actions: input.actions ?? current.actions,
    version: current.version + 1,
    updatedAt: now(),
  };
  // Only actions given anew are checked: a rename keeps a rule whose member has left (its runs log that failure).
  const references = input.actions ? actionReferenceSteps(context.orgId, ruleId, input.actions) : [];
  await changeSet()
    .add(
      "automation rule",
      inTransaction(AutomationRuleEntity)
        .patch({ orgId: context.orgId, ruleId })
        .set({
          name: next.name,
          enabled: next.enabled,
          trigger: next.trigger,
          actions: next.actions,
          version: next.version,
          updatedAt: next.updatedAt,
        })
        .where((attributes, { eq }) => eq(attributes.version, current.version))
        .commit(),
    )
    .addAll(references)
    .commit(() => new ConcurrentModificationError("automation rule", ruleId));
  return toRule(next);
}

export async function deleteRule(context: TenantContext, ruleId: string, preconditions?: Preconditions) {
  const current = await loadRule(context.orgId, ruleId);
  assertPreconditions(preconditions, current, "automation rule", ruleId);
  await AutomationRuleEntity.delete({ orgId: context.orgId, ruleId }).go();
}

export async function listRuns(context: TenantContext, ruleId: string, query: ListRunsQuery): Promise<Page<Run>> {
  await loadRule(context.orgId, ruleId);
  return readPage(
    ({ limit, cursor }) =>
      AutomationRunEntity.query.runsOfRule({ orgId: context.orgId, ruleId }).go({ limit, cursor, order: "desc" }),
    {
      limit: query.limit,
      cursor: query.cursor,
      fingerprint: queryFingerprint({ list: "automation-runs", orgId: context.orgId, ruleId }),
      filtered: false,
      map: toRun,
    },
  );
}

/** Evaluates a trigger against an event and the record as it is now. */
function evaluate(trigger: Trigger, event: Pick<DomainEvent, "type" | "changes">, record: RecordState) {
  if (trigger.eventType !== event.type) {
    return { matches: false, reasons: [`the event is ${event.type}, the rule waits for ${trigger.eventType}`] };
  }
  const results = trigger.conditions.map((condition) => evaluateCondition(condition, event.changes, record));
  return {
    matches: results.every((result) => result.holds),
    reasons: [`the event is ${event.type}`, ...results.map((result) => `${result.holds ? "✓" : "✗"} ${result.reason}`)],
  };
}

/** What a rule would do for an event, without doing it. */
export async function dryRunRule(context: TenantContext, ruleId: string, input: DryRunInput): Promise<DryRunResult> {
  const rule = toRule(await loadRule(context.orgId, ruleId));
  const record = await loadRecordState(context, input.event);
  const { matches, reasons } = evaluate(rule.trigger, input.event, record);
  return {
    matches,
    reasons,
    actions: matches ? rule.actions.map((action) => describeAction(action, input.event, record)) : [],
  };
}

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
export async function handleDomainEvent(event: DomainEvent): Promise<void> {
  const { data: all } = await AutomationRuleEntity.query
    .rulesOfOrganisation({ orgId: event.orgId })
    .go({ pages: "all" });
  const rules = all.filter((rule) => rule.enabled && (rule.trigger as Trigger).eventType === event.type);
  if (rules.length === 0) return;
  const origin = originOf(event);
  for (const rule of rules) {
    const context = ruleContext(event.orgId, rule.ruleId, origin.depth, event.id);
    const record = await loadRecordState(context, event);
    const { matches } = evaluate(rule.trigger as Trigger, event, record);
    if (!matches) continue;
    const loop =
      origin.ruleId === rule.ruleId
        ? "loop protection: the event was caused by this rule's own change"
        : origin.depth >= maxAutomationDepth
          ? `loop protection: rules already reacted ${origin.depth} times in a row`
          : null;
    const started = await startRun(rule, event, loop ? "skipped" : "running", loop ?? undefined);
    if (!started || loop) continue;
    await runActions(context, rule, event, record, rule.actions as Action[]);
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
      await runAction(context, rule, event, record, action);
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
) {
  const owner = () => {
    const ownerId = record.values.ownerId;
    if (typeof ownerId !== "string") throw new Error("The record has no owner.");
    return ownerId;
  };
  switch (action.type) {
    case "createTask":
      await createTaskFor(context, record, {
        subject: fillTemplate(action.title, event, record),
        assigneeId: action.assignee === "owner" ? owner() : action.assignee,
        dueAt: new Date(Date.now() + action.dueInDays * 86_400_000).toISOString(),
        priority: action.priority,
      });
      return;
    case "updateField":
      await updateRecord(context, record, { [action.field]: action.value });
      return;
    case "addTag": {
      const tags = (record.values.tags as string[] | undefined) ?? [];
      if (!tags.includes(action.tag)) await updateRecord(context, record, { tags: [...tags, action.tag] });
      return;
    }
    case "assignRoundRobin": {
      const { data } = await AutomationRuleEntity.update({ orgId: rule.orgId, ruleId: rule.ruleId })
        .add({ roundRobinTurn: 1 })
        .go({ response: "updated_new" });
      const turn = ((data as { roundRobinTurn?: number }).roundRobinTurn ?? 1) - 1;
      await updateRecord(context, record, { ownerId: action.memberIds[turn % action.memberIds.length] });
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
    case "sendWebhook":
      // The delivery keeps its own log and retries; a failed first attempt is not the rule's failure.
      await sendEventToWebhook(action.webhookId, event);
      return;
    default:
      action satisfies never;
  }
}

/** Continues the runs whose delay is over: one range query on the delay queue, each item claimed before it runs. */
export async function runDueDelayedActions(limit = 50): Promise<number> {
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
    const record = await loadRecordState(context, event);
    await AutomationRunEntity.patch({ orgId: item.orgId, ruleId: item.ruleId, eventId: event.id })
      .set({ status: "running" })
      .go();
    await runActions(context, rule.data, event, record, item.actions as Action[]);
    continued++;
  }
  return continued;
}

/** True when a conditional write succeeded, false when its condition failed (someone else got there first). */
async function succeedsUnlessTaken(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}
