import { getImport, importContracts } from "@crm/core/import";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("imports.get", importContracts, async ({ tenant, params }) =>
  getImport(tenant, params.importId),
);
