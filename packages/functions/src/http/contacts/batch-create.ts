import { batchContracts, batchCreateContacts } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.batchCreate", batchContracts, async ({ tenant, body }) =>
  batchCreateContacts(tenant, body.items),
);
