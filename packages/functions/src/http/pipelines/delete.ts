import { deletePipeline, pipelineContracts } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.delete", pipelineContracts, async ({ tenant, params, preconditions }) =>
  deletePipeline(tenant, params.pipelineId, preconditions),
);
