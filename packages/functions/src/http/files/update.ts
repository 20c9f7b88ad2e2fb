import { fileContracts, renameFile } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("files.update", fileContracts, async ({ tenant, params, body }) =>
  renameFile(tenant, params.fileId, body),
);
