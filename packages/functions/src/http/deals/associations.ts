import { listAssociations } from "@crm/core/association";
import { dealLinks } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.associations", async ({ tenant, params, query }) =>
  listAssociations(tenant, dealLinks, params.dealId, query),
);
