import type { EntityItem } from "electrodb";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { describeAction, evaluate, type RuleRecords } from "./automation.engine";
import { AutomationRuleEntity, AutomationRunEntity } from "./automation.entity";
import { triggerFilterFields } from "./automation.filter";
import type { Action, DryRunInput, DryRunResult, ListRunsQuery, Rule, Run, Trigger } from "./automation.schema";

export type RuleItem = EntityItem<typeof AutomationRuleEntity>;
export type RunItem = EntityItem<typeof AutomationRunEntity>;

export function toRule(item: RuleItem): Rule {
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

/** A rule of the organisation, read with strong consistency, or NotFoundError. */
export async function loadRule(orgId: string, ruleId: string): Promise<RuleItem> {
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

/** What a rule would do for an event, without doing it. */
export async function dryRunRule(
  context: TenantContext,
  ruleId: string,
  input: DryRunInput,
  records: Pick<RuleRecords, "load">,
): Promise<DryRunResult> {
  const rule = toRule(await loadRule(context.orgId, ruleId));
  const record = await records.load(context, input.event);
  const filterFields = await triggerFilterFields(context.orgId, rule.trigger);
  const { matches, reasons } = evaluate(rule.trigger, input.event, record, filterFields);
  return {
    matches,
    reasons,
    actions: matches ? rule.actions.map((action) => describeAction(action, input.event, record)) : [],
  };
}
