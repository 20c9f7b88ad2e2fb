import { contactContracts, createContact } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.create", contactContracts, async ({ tenant, body }) =>
  createContact(tenant, body),
);
