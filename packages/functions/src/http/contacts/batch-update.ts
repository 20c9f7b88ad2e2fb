import { batchContracts, batchUpdateContacts } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.batchUpdate", batchContracts, async ({ tenant, body }) =>
  batchUpdateContacts(tenant, body.items),
);
