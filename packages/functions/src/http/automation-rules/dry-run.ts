import { automationContracts } from "@crm/core/automation";
import { dryRunRule } from "@crm/core/automation-dry-run";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.dryRun", automationContracts, async ({ tenant, params, body }) =>
  dryRunRule(tenant, params.ruleId, body),
);
