import { getPipelineBoard, pipelineContracts } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.board", pipelineContracts, async ({ tenant, params }) =>
  getPipelineBoard(tenant, params.pipelineId),
);
