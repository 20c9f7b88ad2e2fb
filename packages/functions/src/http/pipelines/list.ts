import { listPipelines } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.list", async ({ tenant }) => listPipelines(tenant));
