import type { FieldChange } from "../../capabilities/audit/audit.schema";
import type { DomainEvent } from "../../capabilities/events/domain-event.schema";
import type { FilterCatalogue } from "../../capabilities/filter/filter";
import type { TenantContext } from "../../platform/request-context";
import { evaluateTriggerFilter } from "./automation.filter";
import type { Action, Condition, Trigger } from "./automation.schema";

/** The state of the record an event is about, flattened for conditions, templates and actions. */
export type RecordState = {
  type: DomainEvent["record"]["type"];
  id: string;
  exists: boolean;
  values: Record<string, unknown>;
  /** The contacts, companies and deals a task created by a rule is linked to. */
  links: { contactIds: string[]; companyIds: string[]; dealIds: string[] };
};

/** The task a rule's `createTask` action creates, its template filled in. */
export type RuleTask = {
  subject: string;
  assigneeId: string;
  dueAt: string;
  priority: "low" | "normal" | "high";
  customFields?: Record<string, unknown>;
};

/**
 * What rules need of the records they react to and act on, through the records' own services. Composed above the
 * domains (composition/automation.ts), so that the rules module, and every route that only manages rules, imports
 * no contact, company, deal or activity service.
 */
export type RuleRecords = {
  /** The record as it is now (after the change); a deleted one is described by the event's `before` values. */
  load(context: TenantContext, event: Pick<DomainEvent, "record" | "changes">): Promise<RecordState>;
  /** Applies field changes to the record, as the rule's system actor. */
  update(context: TenantContext, record: RecordState, changes: Record<string, unknown>): Promise<unknown>;
  /** Creates a task linked to the record (or, for an activity, to what the activity is linked to). */
  createTask(context: TenantContext, record: RecordState, task: RuleTask): Promise<unknown>;
  /** Moves a deal to the first won or lost stage of its pipeline (nothing when it is there already). */
  closeDeal(
    context: TenantContext,
    dealId: string,
    outcome: { status: "won" | "lost"; lostReason?: string },
  ): Promise<unknown>;
  /** Creates the deal's draft invoice in the connected books (once per deal). */
  draftInvoice(context: TenantContext, dealId: string, provider?: "quickbooks" | "xero"): Promise<unknown>;
};

const describeValue = (value: unknown) => JSON.stringify(value ?? null);

/** Whether a condition holds for the event and the record, with a sentence saying why. */
export function evaluateCondition(
  condition: Condition,
  changes: FieldChange[],
  record: RecordState,
): { holds: boolean; reason: string } {
  switch (condition.kind) {
    case "equals": {
      const actual = record.values[condition.field];
      const holds = Array.isArray(actual) ? actual.includes(condition.value) : actual === condition.value;
      return {
        holds,
        reason: `${condition.field} is ${describeValue(actual)}, expected ${describeValue(condition.value)}`,
      };
    }
    case "greaterThan": {
      const actual = record.values.amount;
      const holds = typeof actual === "number" && actual > condition.value;
      return { holds, reason: `amount is ${describeValue(actual)}, expected more than ${condition.value}` };
    }
    case "changed": {
      const holds = changes.some((change) => change.field === condition.field);
      return { holds, reason: `${condition.field} ${holds ? "changed" : "did not change"}` };
    }
    case "tagAdded": {
      const tagChange = changes.find((change) => change.field === "tags");
      const before = (tagChange?.before as string[] | null) ?? [];
      const after = (tagChange?.after as string[] | null) ?? [];
      const holds = after.includes(condition.tag) && !before.includes(condition.tag);
      return { holds, reason: `tag ${condition.tag} ${holds ? "was added" : "was not added"}` };
    }
    case "isSet": {
      const actual = record.values[condition.field];
      const holds = actual !== undefined && actual !== null && actual !== "";
      return { holds, reason: `${condition.field} is ${holds ? `set (${describeValue(actual)})` : "not set"}` };
    }
    default:
      return condition satisfies never;
  }
}

/** The deals an action on "the event's deal" acts on: the record if it is a deal, else the deals it is linked to. */
export const dealsOf = (record: RecordState): string[] => (record.type === "deal" ? [record.id] : record.links.dealIds);

/** Fills `{{record.title}}`-style placeholders from the record and the event. */
export function fillTemplate(template: string, event: Pick<DomainEvent, "type">, record: RecordState): string {
  return template.replace(/\{\{\s*(record|event)\.(\w+)\s*\}\}/g, (_, scope: string, key: string) => {
    const value = scope === "event" ? (event as Record<string, unknown>)[key] : record.values[key];
    return value === undefined || value === null ? "" : String(value);
  });
}

/** One line per action, saying what it does for this record: the dry run's answer, and the run log's. */
export function describeAction(action: Action, event: Pick<DomainEvent, "type">, record: RecordState): string {
  switch (action.type) {
    case "createTask":
      return `create task "${fillTemplate(action.title, event, record)}" for ${action.assignee === "owner" ? `the owner (${describeValue(record.values.ownerId)})` : action.assignee}, due in ${action.dueInDays} day(s)`;
    case "updateField":
      return `set ${action.field} of ${record.type} ${record.id} to ${describeValue(action.value)}`;
    case "addTag":
      return `add tag ${action.tag} to ${record.type} ${record.id}`;
    case "setCustomField":
      return `set customFields.${action.key} of ${record.type} ${record.id} to ${describeValue(action.value)}`;
    case "assignRoundRobin":
      return `assign ${record.type} ${record.id} to the next of ${action.memberIds.join(", ")}`;
    case "notify":
      return `notify ${action.recipients.join(", ")}: "${fillTemplate(action.message, event, record)}"`;
    case "sendWebhook":
      return `send the event to webhook ${action.webhookId}`;
    case "setDealStatus":
      return `mark ${
        dealsOf(record)
          .map((id) => `deal ${id}`)
          .join(", ") || "the linked deal (none)"
      } ${action.status}`;
    case "draftInvoice":
      return `draft an invoice in ${action.provider ?? "the connected books"} for ${
        dealsOf(record)
          .map((id) => `deal ${id}`)
          .join(", ") || "the linked deal (none)"
      }`;
    case "delay":
      return `wait ${action.days} day(s) and ${action.hours} hour(s)`;
    default:
      return action satisfies never;
  }
}

/**
 * Evaluates a trigger (its conditions, then its filter) against an event and the record as it is now; `filterFields`
 * are the fields its filter may name (triggerFilterFields: with the organisation's custom fields when it names one).
 */
export function evaluate(
  trigger: Trigger,
  event: Pick<DomainEvent, "type" | "changes">,
  record: RecordState,
  filterFields?: FilterCatalogue,
) {
  if (trigger.eventType !== event.type) {
    return { matches: false, reasons: [`the event is ${event.type}, the rule waits for ${trigger.eventType}`] };
  }
  const results = trigger.conditions.map((condition) => evaluateCondition(condition, event.changes, record));
  const filtered = trigger.filter
    ? evaluateTriggerFilter({ eventType: trigger.eventType, filter: trigger.filter }, record.values, filterFields)
    : { holds: true, reasons: [] };
  return {
    matches: results.every((result) => result.holds) && filtered.holds,
    reasons: [
      `the event is ${event.type}`,
      ...results.map((result) => `${result.holds ? "✓" : "✗"} ${result.reason}`),
      ...filtered.reasons,
    ],
  };
}
