import { customFieldContracts, deleteCustomField } from "@crm/core/custom-fields";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "customFields.delete",
  customFieldContracts,
  async ({ tenant, params, preconditions }) => deleteCustomField(tenant, params.fieldId, preconditions),
);
