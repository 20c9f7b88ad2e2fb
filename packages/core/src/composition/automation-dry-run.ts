import type { DomainEvent } from "../capabilities/events/domain-event.schema";
import { getActivity } from "../domain/activity/activity.queries";
import { getCompany } from "../domain/company/company.queries";
import { getContact } from "../domain/contact/contact.queries";
import { getDeal } from "../domain/deal/deal.queries";
import type { RecordState } from "../features/automation/automation.engine";
import { dryRunRule as dryRunRuleOn } from "../features/automation/automation.queries";
import type { DryRunInput } from "../features/automation/automation.schema";
import { getInvoice } from "../features/integration/invoice.queries";
import { DomainError } from "../platform/errors";
import type { TenantContext } from "../platform/request-context";

const linksOfInvoice = (invoice: { dealId?: string | undefined; companyId?: string }) => ({
  contactIds: [],
  companyIds: invoice.companyId ? [invoice.companyId] : [],
  dealIds: invoice.dealId ? [invoice.dealId] : [],
});

/** Reads the record as it is now (after the change); a deleted one is described by the event's `before` values. */
export async function loadRecordState(
  context: TenantContext,
  event: Pick<DomainEvent, "record" | "changes">,
): Promise<RecordState> {
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
      case "invoice": {
        const invoice = await getInvoice(context, id);
        const values = {
          ...invoice,
          name: invoice.number ?? invoice.externalId,
          title: invoice.number ?? invoice.externalId,
          amount: invoice.total.amount,
          currency: invoice.total.currency,
          balance: invoice.balance.amount,
        };
        return { type, id, exists: true, values, links: linksOfInvoice(invoice) };
      }
      case "payment": {
        // A payment lives on its invoice: the event says which, and the invoice says the rest.
        const invoiceId = event.changes.find((change) => change.field === "invoiceId")?.after;
        const invoice = typeof invoiceId === "string" ? await getInvoice(context, invoiceId) : undefined;
        const payment = invoice?.payments.find((each) => each.id === id);
        if (!invoice || !payment) break;
        const values = {
          ...payment,
          invoiceId: invoice.id,
          dealId: invoice.dealId,
          name: invoice.number ?? invoice.externalId,
          title: invoice.number ?? invoice.externalId,
          amount: payment.amount.amount,
          currency: payment.amount.currency,
        };
        return { type, id, exists: true, values, links: linksOfInvoice(invoice) };
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

/**
 * What a rule would do for an event, without doing it: it only reads the record, so the dry run's function holds
 * the records' queries and none of what running rules needs.
 */
export const dryRunRule = (context: TenantContext, ruleId: string, input: DryRunInput) =>
  dryRunRuleOn(context, ruleId, input, { load: loadRecordState });
