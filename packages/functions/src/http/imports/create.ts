import { importContracts, startImport } from "@crm/core/import";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("imports.create", importContracts, async ({ tenant, body }) =>
  startImport(tenant, body),
);
