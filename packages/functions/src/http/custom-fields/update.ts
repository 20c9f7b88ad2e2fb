import { customFieldContracts, updateCustomField } from "@crm/core/custom-fields";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "customFields.update",
  customFieldContracts,
  async ({ tenant, params, body, preconditions }) => updateCustomField(tenant, params.fieldId, body, preconditions),
);
