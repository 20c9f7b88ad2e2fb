import { z } from "zod";
import { providerIds } from "../../declarations/integrations";
import { timestamp } from "../../platform/schema";
import { invoiceStatuses } from "./invoice.entity";

const money = z
  .object({
    amount: z.number().int().meta({ description: "Integer minor units (cents)." }),
    currency: z.string().meta({ description: "ISO 4217 code." }),
  })
  .meta({ id: "InvoiceMoney" });

export const invoiceSchema = z
  .object({
    id: z.string(),
    provider: z.enum(providerIds),
    externalId: z.string().meta({ description: "The invoice's id in the accounting system." }),
    number: z.string().optional(),
    status: z.enum(invoiceStatuses),
    total: money,
    balance: money.meta({ description: "What is still owed." }),
    issuedOn: z.string().meta({ description: "Issue date (YYYY-MM-DD)." }),
    dueOn: z.string().optional(),
    companyId: z.string().meta({ description: "The company whose customer the invoice bills." }),
    dealId: z.string().optional(),
    payments: z
      .array(
        z
          .object({
            id: z.string(),
            externalId: z.string().meta({ description: "The payment's id in the accounting system." }),
            amount: money.meta({ description: "What this payment paid of the invoice." }),
            receivedOn: z.string().meta({ description: "Payment date (YYYY-MM-DD)." }),
          })
          .meta({ id: "InvoicePayment" }),
      )
      .meta({ description: "The payments applied to the invoice, oldest first." }),
    updatedAt: timestamp,
  })
  .meta({ id: "Invoice" });
export type Invoice = z.infer<typeof invoiceSchema>;

export const companyInvoicesSchema = z
  .object({
    data: z.array(invoiceSchema),
    summary: z.object({
      openBalance: z.array(money).meta({ description: "Owed on sent and overdue invoices, per currency." }),
      lifetimeRevenue: z.array(money).meta({ description: "Paid on invoices, per currency." }),
    }),
  })
  .meta({ id: "CompanyInvoices" });
export type CompanyInvoices = z.infer<typeof companyInvoicesSchema>;

export const booksCustomerSchema = z
  .object({
    provider: z.enum(["quickbooks", "xero"]),
    connectionId: z.string(),
    externalId: z.string().meta({ description: "The customer's id in QuickBooks, the contact's in Xero." }),
    name: z.string().meta({ description: "Its name in the books." }),
    matchedBy: z.enum(["domain", "name", "created", "imported"]).meta({
      description:
        "How the company and the customer were linked: matched by domain or name, the customer created for the company, or the company imported from the customer.",
    }),
    created: z.boolean().meta({ description: "Whether this request created the customer in the books." }),
  })
  .meta({ id: "BooksCustomer" });
export type BooksCustomer = z.infer<typeof booksCustomerSchema>;
