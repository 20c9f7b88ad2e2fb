import { listContacts } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.list", async ({ tenant, query }) => listContacts(tenant, query));
