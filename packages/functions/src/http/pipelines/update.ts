// The cascades this route triggers (records losing their links, a removed stage's deals moving) are registered here.
import "@crm/core/cascades";
import { pipelineContracts, updatePipeline } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "pipelines.update",
  pipelineContracts,
  async ({ tenant, params, body, preconditions }) => updatePipeline(tenant, params.pipelineId, body, preconditions),
);
