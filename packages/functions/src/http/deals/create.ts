import { createDeal, dealContracts } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.create", dealContracts, async ({ tenant, body }) =>
  createDeal(tenant, body),
);
