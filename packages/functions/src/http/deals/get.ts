import { getDeal } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.get", async ({ tenant, params }) => getDeal(tenant, params.dealId));
