import { fileContracts, filesOfRecord } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.files", fileContracts, async ({ tenant, params }) =>
  filesOfRecord(tenant, { type: "company", id: params.companyId }),
);
