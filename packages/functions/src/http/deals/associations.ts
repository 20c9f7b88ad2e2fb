import { associationContracts, listAssociations } from "@crm/core/association";
import { dealLinks } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.associations", associationContracts, async ({ tenant, params, query }) =>
  listAssociations(tenant, dealLinks, params.dealId, query),
);
