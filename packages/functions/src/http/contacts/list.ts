import { contactContracts, listContacts } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.list", contactContracts, async ({ tenant, query }) =>
  listContacts(tenant, query),
);
