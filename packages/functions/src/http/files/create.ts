import { createFile, fileContracts } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("files.create", fileContracts, async ({ tenant, body }) =>
  createFile(tenant, body),
);
