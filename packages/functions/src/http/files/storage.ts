import { fileContracts, storageUsage } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("files.storage", fileContracts, async ({ tenant }) => storageUsage(tenant));
