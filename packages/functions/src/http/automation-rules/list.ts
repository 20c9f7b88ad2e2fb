import { automationContracts, listRules } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.list", automationContracts, async ({ tenant }) =>
  listRules(tenant),
);
