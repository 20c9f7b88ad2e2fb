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
    dealId: z.string().optional(),
    updatedAt: timestamp,
  })
  .meta({ id: "Invoice" });

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
