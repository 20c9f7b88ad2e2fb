import { associationContracts, listAssociations } from "@crm/core/association";
import { contactLinks } from "@crm/core/contact";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.associations", associationContracts, async ({ tenant, params, query }) =>
  listAssociations(tenant, contactLinks, params.contactId, query),
);
