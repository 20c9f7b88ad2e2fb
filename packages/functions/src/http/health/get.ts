import { systemContracts } from "@crm/core/system";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("health.get", systemContracts, async () => ({ status: "ok" as const }));
