import { openApiDocument } from "@crm/core/api";
import { systemContracts } from "@crm/core/system";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("openapi.get", systemContracts, async () => openApiDocument());
