import type { FieldChange } from "../../capabilities/audit/audit.schema";
import type { DomainEvent } from "../../capabilities/events/domain-event.schema";
import { getActivity } from "../../domain/activity/activity.queries";
import { createActivity } from "../../domain/activity/activity.service";
import { getCompany } from "../../domain/company/company.queries";
import { updateCompany } from "../../domain/company/company.service";
import { getContact } from "../../domain/contact/contact.queries";
import { updateContact } from "../../domain/contact/contact.service";
import { getDeal } from "../../domain/deal/deal.queries";
import { updateDeal } from "../../domain/deal/deal.service";
import { DomainError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import type { Action, Condition } from "./automation.schema";

/** The state of the record an event is about, flattened for conditions, templates and actions. */
export type RecordState = {
  type: DomainEvent["record"]["type"];
  id: string;
  exists: boolean;
  values: Record<string, unknown>;
  /** The contacts, companies and deals a task created by a rule is linked to. */
  links: { contactIds: string[]; companyIds: string[]; dealIds: string[] };
};

/** Reads the record as it is now (after the change); a deleted one is described by the event's `before` values. */
export async function loadRecordState(context: TenantContext, event: Pick<DomainEvent, "record" | "changes">) {
  const { type, id } = event.record;
  const none = { contactIds: [], companyIds: [], dealIds: [] };
  try {
    switch (type) {
      case "deal": {
        const deal = await getDeal(context, id);
        const values = { ...deal, amount: deal.value.amount, currency: deal.value.currency, name: deal.title };
        return { type, id, exists: true, values, links: { ...none, dealIds: [id] } } satisfies RecordState;
      }
      case "contact": {
        const contact = await getContact(context, id);
        const name = [contact.firstName, contact.lastName].filter(Boolean).join(" ");
        return { type, id, exists: true, values: { ...contact, name }, links: { ...none, contactIds: [id] } };
      }
      case "company": {
        const company = await getCompany(context, id);
        return { type, id, exists: true, values: { ...company }, links: { ...none, companyIds: [id] } };
      }
      case "activity": {
        const activity = await getActivity(context, id);
        const { contactIds, companyIds, dealIds } = activity;
        return {
          type,
          id,
          exists: true,
          values: { ...activity, title: activity.subject, name: activity.subject },
          links: { contactIds, companyIds, dealIds },
        };
      }
      default:
        break;
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
  const values = Object.fromEntries(event.changes.map((change) => [change.field, change.before]));
  return { type, id, exists: false, values, links: none } satisfies RecordState;
}

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
    default:
      return condition satisfies never;
  }
}

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
    case "assignRoundRobin":
      return `assign ${record.type} ${record.id} to the next of ${action.memberIds.join(", ")}`;
    case "notify":
      return `notify ${action.recipients.join(", ")}: "${fillTemplate(action.message, event, record)}"`;
    case "sendWebhook":
      return `send the event to webhook ${action.webhookId}`;
    case "delay":
      return `wait ${action.days} day(s) and ${action.hours} hour(s)`;
    default:
      return action satisfies never;
  }
}

/** Applies a field change to the event's record through its service, as the rule's system actor. */
export async function updateRecord(context: TenantContext, record: RecordState, changes: Record<string, unknown>) {
  switch (record.type) {
    case "deal":
      return updateDeal(context, record.id, changes);
    case "contact":
      return updateContact(context, record.id, changes);
    case "company":
      return updateCompany(context, record.id, changes);
    default:
      throw new Error(`A rule cannot change a ${record.type}.`);
  }
}

/** Creates a task linked to the record (or, for an activity, to what the activity is linked to). */
export async function createTaskFor(
  context: TenantContext,
  record: RecordState,
  task: { subject: string; assigneeId: string; dueAt: string; priority: "low" | "normal" | "high" },
) {
  return createActivity(context, { type: "task", ...task, ...record.links });
}
