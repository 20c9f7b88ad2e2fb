import { companyInvoices, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.invoices", integrationContracts, async ({ tenant, params }) =>
  companyInvoices(tenant, params.companyId),
);
