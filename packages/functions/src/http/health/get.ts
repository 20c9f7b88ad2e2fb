import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("health.get", async () => ({ status: "ok" as const }));
