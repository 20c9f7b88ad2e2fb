import { openApiDocument } from "@crm/core/api";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("openapi.get", async () => openApiDocument());
