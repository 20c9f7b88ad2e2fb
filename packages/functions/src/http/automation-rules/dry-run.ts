import { dryRunRule } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.dryRun", async ({ tenant, params, body }) =>
  dryRunRule(tenant, params.ruleId, body),
);
