import { createPipeline } from "@crm/core/pipeline";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("pipelines.create", async ({ tenant, body }) => createPipeline(tenant, body));
