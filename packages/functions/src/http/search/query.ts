import { search } from "@crm/core/search";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("search.query", async ({ tenant, query }) => search(tenant, query));
