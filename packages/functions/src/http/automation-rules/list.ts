import { listRules } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.list", async ({ tenant }) => listRules(tenant));
