import { batchUpdateContacts } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.batchUpdate", async ({ tenant, body }) =>
  batchUpdateContacts(tenant, body.items),
);
