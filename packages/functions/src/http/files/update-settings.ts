import { fileContracts, updateFileSettings } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("files.updateSettings", fileContracts, async ({ tenant, body }) =>
  updateFileSettings(tenant, body),
);
