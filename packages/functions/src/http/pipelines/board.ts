import { getPipelineBoard } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.board", async ({ tenant, params }) =>
  getPipelineBoard(tenant, params.pipelineId),
);
