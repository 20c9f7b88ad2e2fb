import { automationContracts, updateRule } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "automationRules.update",
  automationContracts,
  async ({ tenant, params, body, preconditions }) => updateRule(tenant, params.ruleId, body, preconditions),
);
