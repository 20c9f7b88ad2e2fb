import { batchCreateCompanies } from "@crm/core/batch";
import { batchResults, httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.batchCreate", async ({ tenant, body, event }) =>
  batchResults(event, 201, await batchCreateCompanies(tenant, body.items)),
);
