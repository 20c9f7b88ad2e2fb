import { listAssociations } from "@crm/core/association";
import { companyLinks } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.associations", async ({ tenant, params, query }) =>
  listAssociations(tenant, companyLinks, params.companyId, query),
);
