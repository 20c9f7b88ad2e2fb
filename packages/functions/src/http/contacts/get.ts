import { contactContracts, getContact } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.get", contactContracts, async ({ tenant, params }) =>
  getContact(tenant, params.contactId),
);
