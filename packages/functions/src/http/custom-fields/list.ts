import { customFieldContracts, listCustomFields } from "@crm/core/custom-fields";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("customFields.list", customFieldContracts, async ({ tenant, query }) =>
  listCustomFields(tenant, query),
);
