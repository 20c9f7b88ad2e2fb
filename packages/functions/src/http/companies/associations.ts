import { listAssociations } from "@crm/core/association";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.associations", async ({ tenant, params, query }) =>
  listAssociations(tenant, { type: "company", id: params.companyId }, query),
);
