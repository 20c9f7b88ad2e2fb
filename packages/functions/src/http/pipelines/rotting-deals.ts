import { dealContracts, listRottingDeals } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.rottingDeals", dealContracts, async ({ tenant, params, query }) =>
  listRottingDeals(tenant, params.pipelineId, query),
);
