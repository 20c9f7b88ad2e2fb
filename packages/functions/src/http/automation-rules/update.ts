import { updateRule } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.update", async ({ tenant, params, body, preconditions }) =>
  updateRule(tenant, params.ruleId, body, preconditions),
);
