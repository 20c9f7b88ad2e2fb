import { dealContracts, getDeal } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.get", dealContracts, async ({ tenant, params }) =>
  getDeal(tenant, params.dealId),
);
