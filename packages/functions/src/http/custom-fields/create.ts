import { createCustomField, customFieldContracts } from "@crm/core/custom-fields";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("customFields.create", customFieldContracts, async ({ tenant, body }) =>
  createCustomField(tenant, body),
);
