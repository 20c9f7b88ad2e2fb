// The cascades this route triggers (records losing their links, a removed stage's deals moving) are registered here.
import "@crm/core/cascades";
import { dealContracts, deleteDeal } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.delete", dealContracts, async ({ tenant, params, preconditions }) =>
  deleteDeal(tenant, params.dealId, preconditions),
);
