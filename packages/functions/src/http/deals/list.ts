import { dealContracts, listDeals } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.list", dealContracts, async ({ tenant, query }) => listDeals(tenant, query));
