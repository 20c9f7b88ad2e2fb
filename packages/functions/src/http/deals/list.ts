import { listDeals } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.list", async ({ tenant, query }) => listDeals(tenant, query));
