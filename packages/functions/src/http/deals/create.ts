import { createDeal } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.create", async ({ tenant, body }) => createDeal(tenant, body));
