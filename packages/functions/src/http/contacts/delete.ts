// The cascades this route triggers (records losing their links, a removed stage's deals moving) are registered here.
import "@crm/core/cascades";
import { contactContracts, deleteContact } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.delete", contactContracts, async ({ tenant, params, preconditions }) =>
  deleteContact(tenant, params.contactId, preconditions),
);
