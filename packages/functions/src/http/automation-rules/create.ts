import { createRule } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.create", async ({ tenant, body }) => createRule(tenant, body));
