import { contactContracts, updateContact } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "contacts.update",
  contactContracts,
  async ({ tenant, params, body, preconditions }) => updateContact(tenant, params.contactId, body, preconditions),
);
