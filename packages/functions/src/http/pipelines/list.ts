import { listPipelines, pipelineContracts } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.list", pipelineContracts, async ({ tenant }) => listPipelines(tenant));
