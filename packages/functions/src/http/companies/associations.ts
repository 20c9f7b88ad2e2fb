import { associationContracts, listAssociations } from "@crm/core/association";
import { companyLinks } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.associations", associationContracts, async ({ tenant, params, query }) =>
  listAssociations(tenant, companyLinks, params.companyId, query),
);
