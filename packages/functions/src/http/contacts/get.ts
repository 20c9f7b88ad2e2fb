import { getContact } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.get", async ({ tenant, params }) => getContact(tenant, params.contactId));
