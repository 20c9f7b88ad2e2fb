import { downloadFile, fileContracts } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("files.download", fileContracts, async ({ tenant, params }) =>
  downloadFile(tenant, params.fileId),
);
