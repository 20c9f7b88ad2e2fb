import { deleteFile, fileContracts } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("files.delete", fileContracts, async ({ tenant, params }) => {
  await deleteFile(tenant, params.fileId);
});
