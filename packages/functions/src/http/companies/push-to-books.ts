import { integrationContracts, pushCompanyToBooks } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.pushToBooks", integrationContracts, async ({ tenant, params, query }) =>
  pushCompanyToBooks(tenant, params.companyId, query.provider),
);
