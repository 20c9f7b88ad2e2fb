import { batchUpdateCompanies } from "@crm/core/batch";
import { batchResults, httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.batchUpdate", async ({ tenant, body, event }) =>
  batchResults(event, 200, await batchUpdateCompanies(tenant, body.items)),
);
