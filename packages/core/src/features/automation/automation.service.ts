import type { CustomFieldRecordType } from "../../capabilities/custom-fields/custom-field.constants";
import { customFieldDefinitionsOf } from "../../capabilities/custom-fields/custom-field.service";
import {
  type CustomFieldDefinition,
  validateCustomFieldValues,
} from "../../capabilities/custom-fields/custom-field.values";
import type { DomainEventType } from "../../capabilities/events/domain-event.schema";
import { type Reference, referenceSteps } from "../../domain/references";
import { type ChangeStep, changeSet } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, type FieldIssue, ValidationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import { newId } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { webhookReferenceStep } from "../webhook/webhook.references";
import { AutomationRuleEntity } from "./automation.entity";
import { recordTypeOf, triggerFilterIssues } from "./automation.filter";
import { loadRule, type RuleItem, toRule } from "./automation.queries";
import type { Action, CreateRuleInput, Rule, UpdateRuleInput } from "./automation.schema";

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
      case "setDealStatus":
        if (action.status === "won" && action.lostReason) {
          throw new ValidationError([{ path: `${path}.lostReason`, message: "Only a lost deal has a lost reason." }]);
        }
        break;
      case "addTag":
      case "setCustomField":
      case "delay":
      case "draftInvoice":
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

/** The record types whose custom fields `setCustomField` sets: those a rule changes (see RuleRecords.update). */
const settableRecordTypes: ReadonlySet<string> = new Set(["contact", "company", "deal"]);

/** The issues of validating custom field values, moved from `body.customFields` to the action's own place. */
function customFieldIssues(validate: () => unknown, moveTo: string): FieldIssue[] {
  try {
    validate();
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^body\.customFields/, moveTo) }));
  }
}

/**
 * The custom field values a rule's actions write are checked against the organisation's definitions when it is
 * saved, as a record's write checks them: a `setCustomField` of a live field of the event's record type with a
 * value of its type, a task's values with the activity fields it requires. (They are checked again when the rule
 * runs: a field may change meanwhile.) Definitions are read only when an action writes custom fields.
 */
async function assertActionCustomFields(orgId: string, eventType: DomainEventType, actions: Action[]): Promise<void> {
  // A task is checked without values of its own too: the organisation may require activity fields.
  const writesCustomFields = actions.some((action) => action.type === "setCustomField" || action.type === "createTask");
  if (!writesCustomFields) return;
  const definitions: readonly CustomFieldDefinition[] = await customFieldDefinitionsOf(orgId);
  const recordType = recordTypeOf(eventType);
  const issues: FieldIssue[] = [];
  for (const [index, action] of actions.entries()) {
    const path = `body.actions.${index}`;
    if (action.type === "createTask") {
      issues.push(
        ...customFieldIssues(
          () => validateCustomFieldValues(definitions, "activity", action.customFields ?? {}, undefined, "create"),
          `${path}.customFields`,
        ),
      );
    }
    if (action.type !== "setCustomField") continue;
    if (!settableRecordTypes.has(recordType)) {
      issues.push({ path, message: "Only a contact's, company's or deal's event sets a custom field of its record." });
      continue;
    }
    const definition = definitions.find(
      (each) => each.recordType === recordType && each.key === action.key && each.status === "active",
    );
    if (!definition || definition.archived) {
      const why = definition ? "is archived" : `is not a custom field of a ${recordType}`;
      issues.push({ path: `${path}.key`, message: `${action.key} ${why}; see GET …/custom-fields.` });
      continue;
    }
    issues.push(
      ...customFieldIssues(
        () =>
          validateCustomFieldValues(
            definitions,
            recordType as CustomFieldRecordType,
            { [action.key]: action.value },
            undefined,
            "update",
          ),
        `${path}.value`,
      ).map((issue) => ({ ...issue, path: issue.path.replace(`${path}.value.${action.key}`, `${path}.value`) })),
    );
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

/** A trigger whose filter names a field, operator or value its event's records do not have is refused. */
async function assertTriggerFilter(orgId: string, trigger: CreateRuleInput["trigger"]): Promise<void> {
  const issues = await triggerFilterIssues(orgId, trigger, "body.trigger.filter");
  if (issues.length > 0) throw new ValidationError(issues);
}

export async function createRule(context: TenantContext, input: CreateRuleInput): Promise<Rule> {
  await assertTriggerFilter(context.orgId, input.trigger);
  await assertActionCustomFields(context.orgId, input.trigger.eventType, input.actions);
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

export async function updateRule(
  context: TenantContext,
  ruleId: string,
  input: UpdateRuleInput,
  preconditions?: Preconditions,
): Promise<Rule> {
  if (input.trigger) await assertTriggerFilter(context.orgId, input.trigger);
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
  if (input.actions) {
    await assertActionCustomFields(
      context.orgId,
      (next.trigger as CreateRuleInput["trigger"]).eventType,
      input.actions,
    );
  }
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
