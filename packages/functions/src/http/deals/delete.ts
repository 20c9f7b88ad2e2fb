import { deleteDeal } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.delete", async ({ tenant, params, preconditions }) =>
  deleteDeal(tenant, params.dealId, preconditions),
);
