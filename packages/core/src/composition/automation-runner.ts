import type { DomainEvent } from "../capabilities/events/domain-event.schema";
import { createActivity } from "../domain/activity/activity.service";
import { updateCompany } from "../domain/company/company.service";
import { updateContact } from "../domain/contact/contact.service";
import { getDeal } from "../domain/deal/deal.queries";
import { moveDealToStage, updateDeal } from "../domain/deal/deal.service";
import { getPipeline } from "../domain/pipeline/pipeline.queries";
import type { RecordState, RuleRecords, RuleTask } from "../features/automation/automation.engine";
import * as runner from "../features/automation/automation.runner";
import { draftInvoiceForDeal } from "../features/integration/draft-invoices";
import type { TenantContext } from "../platform/request-context";
import { loadRecordState } from "./automation-dry-run";

/** Applies a field change to the event's record through its service, as the rule's system actor. */
async function updateRecord(context: TenantContext, record: RecordState, changes: Record<string, unknown>) {
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
async function createTaskFor(context: TenantContext, record: RecordState, task: RuleTask) {
  return createActivity(context, { type: "task", ...task, ...record.links });
}

/** Moves a deal to the first stage of the outcome's kind in its pipeline; a deal there already stays. */
async function closeDeal(
  context: TenantContext,
  dealId: string,
  outcome: { status: "won" | "lost"; lostReason?: string },
) {
  const deal = await getDeal(context, dealId);
  if (deal.status === outcome.status) return deal;
  const pipeline = await getPipeline(context, deal.pipelineId);
  const stage = pipeline.stages.find((each) => each.kind === outcome.status);
  if (!stage) throw new Error(`The pipeline ${pipeline.id} has no ${outcome.status} stage.`);
  return moveDealToStage(context, dealId, {
    stageId: stage.id,
    ...(outcome.lostReason ? { lostReason: outcome.lostReason } : {}),
  });
}

/**
 * Rules reach the records they react to and act on through the records' services, composed here, above the
 * domains, for the functions that run rules (the bus subscriber and the delayed-actions job).
 */
const ruleRecords: RuleRecords = {
  load: loadRecordState,
  update: updateRecord,
  createTask: createTaskFor,
  closeDeal,
  draftInvoice: (context, dealId, provider) => draftInvoiceForDeal(context, dealId, provider),
};

/** Runs every enabled rule of the event's organisation that matches it (see automation.runner.ts). */
export const handleDomainEvent = (event: DomainEvent) => runner.handleDomainEvent(event, ruleRecords);

/** Continues the runs whose delay is over. */
export const runDueDelayedActions = (limit?: number) => runner.runDueDelayedActions(ruleRecords, limit);
