import { listAssociations } from "@crm/core/association";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.associations", async ({ tenant, params, query }) =>
  listAssociations(tenant, { type: "deal", id: params.dealId }, query),
);
