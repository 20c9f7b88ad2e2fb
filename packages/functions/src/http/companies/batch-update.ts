import { batchUpdateCompanies } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.batchUpdate", async ({ tenant, body }) =>
  batchUpdateCompanies(tenant, body.items),
);
