import { automationContracts, deleteRule } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "automationRules.delete",
  automationContracts,
  async ({ tenant, params, preconditions }) => deleteRule(tenant, params.ruleId, preconditions),
);
