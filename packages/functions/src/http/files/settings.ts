import { fileContracts, getFileSettings } from "@crm/core/file";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("files.settings", fileContracts, async ({ tenant }) => getFileSettings(tenant));
