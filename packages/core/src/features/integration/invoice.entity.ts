import { providerIds } from "../../declarations/integrations";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";

const byCompany = globalIndex("gsi2");

export const invoiceStatuses = ["draft", "sent", "paid", "overdue", "void"] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

/**
 * An invoice as the accounting system has it, read-only in the CRM (the books are the source of truth): on the
 * company its customer is matched to, amounts in integer minor units. Its id is derived from the connection and
 * the provider's id, so a webhook and a poll for the same change write the same item.
 */
export const InvoiceEntity = tableEntity({
  model: { service: "crm", entity: "accountingInvoice", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    invoiceId: { type: "string", required: true, readOnly: true },
    companyId: { type: "string", required: true },
    dealId: { type: "string" },
    provider: { type: providerIds, required: true, readOnly: true },
    connectionId: { type: "string", required: true, readOnly: true },
    externalId: { type: "string", required: true, readOnly: true },
    number: { type: "string" },
    status: { type: invoiceStatuses, required: true },
    currency: { type: "string", required: true },
    totalMinor: { type: "number", required: true },
    balanceMinor: { type: "number", required: true },
    issuedOn: { type: "string", required: true },
    dueOn: { type: "string" },
    /** The payments applied to it, as the books list them: what paid it, when, and how much of it. */
    payments: {
      type: "list",
      items: {
        type: "map",
        properties: {
          paymentId: { type: "string", required: true },
          externalId: { type: "string", required: true },
          amountMinor: { type: "number", required: true },
          receivedOn: { type: "string", required: true },
        },
      },
    },
    /** The provider's last change, so an older copy (a late webhook) never overwrites a newer one. */
    externalUpdatedAt: { type: "string", required: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    invoice: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "invoiceId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    invoicesOfCompany: {
      index: byCompany.index,
      pk: { field: byCompany.pk, composite: ["orgId", "companyId"] },
      sk: { field: byCompany.sk, composite: ["issuedOn", "invoiceId"] },
    },
  },
});

/**
 * Which CRM company an accounting customer is, per connection: recorded once when matched (by domain, then by
 * name), so neither side is ever duplicated and a renamed customer stays where it was.
 */
export const CustomerLinkEntity = tableEntity({
  model: { service: "crm", entity: "accountingCustomerLink", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    connectionId: { type: "string", required: true, readOnly: true },
    externalId: { type: "string", required: true, readOnly: true },
    companyId: { type: "string", required: true },
    externalName: { type: "string", required: true },
    /**
     * How the match was made: by domain, by name, by creating the customer for the company, or by importing the
     * customer as a company.
     */
    matchedBy: { type: ["domain", "name", "created", "imported"] as const, required: true },
    createdAt: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    customerLink: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "connectionId"] },
      sk: { field: primaryKeyFields.sk, composite: ["externalId"] },
    },
  },
});
