import { getPipeline, pipelineContracts } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.get", pipelineContracts, async ({ tenant, params }) =>
  getPipeline(tenant, params.pipelineId),
);
