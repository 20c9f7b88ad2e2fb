import { automationContracts, listRuns } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.runs", automationContracts, async ({ tenant, params, query }) =>
  listRuns(tenant, params.ruleId, query),
);
