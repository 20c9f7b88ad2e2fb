import { importContracts, importRowErrors } from "@crm/core/import";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("imports.errors", importContracts, async ({ tenant, params }) =>
  importRowErrors(tenant, params.importId),
);
