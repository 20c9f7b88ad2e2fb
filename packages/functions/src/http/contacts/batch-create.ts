import { batchCreateContacts } from "@crm/core/batch";
import { batchResults, httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.batchCreate", async ({ tenant, body, event }) =>
  batchResults(event, 201, await batchCreateContacts(tenant, body.items)),
);
