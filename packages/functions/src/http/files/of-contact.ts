import { fileContracts, filesOfRecord } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.files", fileContracts, async ({ tenant, params }) =>
  filesOfRecord(tenant, { type: "contact", id: params.contactId }),
);
