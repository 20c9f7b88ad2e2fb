import { customFieldContracts, getCustomField } from "@crm/core/custom-fields";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("customFields.get", customFieldContracts, async ({ tenant, params }) =>
  getCustomField(tenant, params.fieldId),
);
