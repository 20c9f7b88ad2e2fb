import { dealInvoices, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.invoices", integrationContracts, async ({ tenant, params }) =>
  dealInvoices(tenant, params.dealId),
);
