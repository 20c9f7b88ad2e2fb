import { search, searchContracts } from "@crm/core/search";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("search.query", searchContracts, async ({ tenant, query }) =>
  search(tenant, query),
);
