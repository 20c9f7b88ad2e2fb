import { automationContracts, dryRunRule } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.dryRun", automationContracts, async ({ tenant, params, body }) =>
  dryRunRule(tenant, params.ruleId, body),
);
