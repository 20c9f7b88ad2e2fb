import type { CustomFieldRecordType } from "../../capabilities/custom-fields/custom-field.constants";
import { filterFieldsWithCustomFields } from "../../capabilities/custom-fields/custom-field.filters";
import type { DomainEventType } from "../../capabilities/events/domain-event.schema";
import {
  compileFilter,
  type Filter,
  type FilterCatalogue,
  type FilterEvaluation,
} from "../../capabilities/filter/filter";
import { activityFilterFields } from "../../domain/activity/activity.filter-fields";
import { companyFilterFields } from "../../domain/company/company.filter-fields";
import { contactFilterFields } from "../../domain/contact/contact.filter-fields";
import { dealFilterFields } from "../../domain/deal/deal.filter-fields";
import type { FieldIssue } from "../../platform/errors";

/**
 * The fields a rule's `filter` may name, per record type: the catalogue of that record's list, so a rule tests a
 * record as the list filters it. The catalogues are dependency-free: managing rules bundles no record entity.
 */
const filterFieldsOf: Readonly<Record<string, FilterCatalogue | undefined>> = {
  contact: contactFilterFields,
  company: companyFilterFields,
  deal: dealFilterFields,
  activity: activityFilterFields,
};

/** The record type an event type is about (`task.completed` is about an activity). */
export function recordTypeOf(eventType: DomainEventType): string {
  const [prefix] = eventType.split(".");
  return prefix === "task" ? "activity" : (prefix as string);
}

const catalogueOf = (eventType: DomainEventType) => filterFieldsOf[recordTypeOf(eventType)];

/**
 * The fields a trigger's filter may name: its record type's list catalogue and, when the filter names one, the
 * organisation's custom fields of that type (read then, one Query), as the lists take them. Undefined for a record
 * type without a filter catalogue.
 */
export async function triggerFilterFields(
  orgId: string,
  trigger: { eventType: DomainEventType; filter?: Filter | undefined },
): Promise<FilterCatalogue | undefined> {
  const catalogue = catalogueOf(trigger.eventType);
  if (!catalogue) return undefined;
  const recordType = recordTypeOf(trigger.eventType) as CustomFieldRecordType;
  return filterFieldsWithCustomFields(orgId, recordType, catalogue, trigger.filter);
}

/** What is wrong with a trigger's filter for its event's records, each issue at its place under `path`. */
export async function triggerFilterIssues(
  orgId: string,
  trigger: { eventType: DomainEventType; filter?: Filter | undefined },
  path: string,
): Promise<FieldIssue[]> {
  if (!trigger.filter) return [];
  const catalogue = await triggerFilterFields(orgId, trigger);
  if (!catalogue) {
    const offered = Object.keys(filterFieldsOf).join(", ");
    return [{ path, message: `Only events of ${offered} records take a filter; use conditions for the others.` }];
  }
  const compiled = compileFilter(catalogue, trigger.filter, path);
  return "issues" in compiled ? compiled.issues : [];
}

/**
 * Evaluates a trigger's filter on the record's fields in memory, with the semantics lists filter by; `catalogue`
 * is what triggerFilterFields answered (needed for a filter on custom fields), else the record type's own.
 */
export function evaluateTriggerFilter(
  trigger: { eventType: DomainEventType; filter: Filter },
  values: Readonly<Record<string, unknown>>,
  catalogue: FilterCatalogue | undefined = catalogueOf(trigger.eventType),
): FilterEvaluation {
  const compiled = catalogue ? compileFilter(catalogue, trigger.filter, "filter") : undefined;
  // A rule stored before a field left the catalogue: it no longer matches, and says why.
  if (!compiled || "issues" in compiled) {
    const why =
      compiled && "issues" in compiled ? compiled.issues.map((issue) => `${issue.path}: ${issue.message}`) : [];
    return {
      holds: false,
      reasons: [`✗ the filter no longer fits ${recordTypeOf(trigger.eventType)} records`, ...why],
    };
  }
  const evaluation = compiled.filter.evaluate(values);
  return {
    holds: evaluation.holds,
    reasons: [...evaluation.reasons, evaluation.holds ? "✓ the filter holds" : "✗ the filter does not hold"],
  };
}
