import { draftInvoiceForDeal, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.invoice", integrationContracts, async ({ tenant, params, query }) => {
  const { invoice } = await draftInvoiceForDeal(tenant, params.dealId, query.provider);
  return invoice;
});
