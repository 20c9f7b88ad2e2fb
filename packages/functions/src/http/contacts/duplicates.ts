import { contactDuplicates, duplicateContracts } from "@crm/core/duplicate";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.duplicates", duplicateContracts, async ({ tenant, params }) =>
  contactDuplicates(tenant, params.contactId),
);
