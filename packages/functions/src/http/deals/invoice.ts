import { draftInvoiceForDeal, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.invoice", integrationContracts, async ({ tenant, params }) => {
  const { invoice } = await draftInvoiceForDeal(tenant, params.dealId);
  return invoice;
});
