import { fileContracts, filesOfRecord } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("activities.files", fileContracts, async ({ tenant, params }) =>
  filesOfRecord(tenant, { type: "activity", id: params.activityId }),
);
