import { getPipeline } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.get", async ({ tenant, params }) =>
  getPipeline(tenant, params.pipelineId),
);
