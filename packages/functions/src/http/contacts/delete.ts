import { deleteContact } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.delete", async ({ tenant, params, preconditions }) =>
  deleteContact(tenant, params.contactId, preconditions),
);
