import { automationContracts, createRule } from "@crm/core/automation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("automationRules.create", automationContracts, async ({ tenant, body }) =>
  createRule(tenant, body),
);
