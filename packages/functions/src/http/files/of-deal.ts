import { fileContracts, filesOfRecord } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.files", fileContracts, async ({ tenant, params }) =>
  filesOfRecord(tenant, { type: "deal", id: params.dealId }),
);
