import { listAssociations } from "@crm/core/association";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.associations", async ({ tenant, params, query }) =>
  listAssociations(tenant, { type: "contact", id: params.contactId }, query),
);
