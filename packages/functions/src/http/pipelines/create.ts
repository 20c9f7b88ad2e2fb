import { createPipeline, pipelineContracts } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.create", pipelineContracts, async ({ tenant, body }) =>
  createPipeline(tenant, body),
);
