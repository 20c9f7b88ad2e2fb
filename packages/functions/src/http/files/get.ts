import { fileContracts, getFile } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("files.get", fileContracts, async ({ tenant, params }) =>
  getFile(tenant, params.fileId),
);
