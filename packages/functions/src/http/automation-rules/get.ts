import { automationContracts, getRule } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.get", automationContracts, async ({ tenant, params }) =>
  getRule(tenant, params.ruleId),
);
