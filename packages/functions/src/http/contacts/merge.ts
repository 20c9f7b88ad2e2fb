import "@crm/core/cascades";
import { duplicateContracts, mergeContacts } from "@crm/core/duplicate";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.merge", duplicateContracts, async ({ tenant, body }) =>
  mergeContacts(tenant, body),
);
