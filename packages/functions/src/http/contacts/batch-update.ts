import { batchUpdateContacts } from "@crm/core/batch";
import { batchResults, httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.batchUpdate", async ({ tenant, body, event }) =>
  batchResults(event, 200, await batchUpdateContacts(tenant, body.items)),
);
