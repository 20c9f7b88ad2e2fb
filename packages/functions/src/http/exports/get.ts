import { exportContracts, getExport } from "@crm/core/export";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("exports.get", exportContracts, async ({ tenant, params }) =>
  getExport(tenant, params.exportId),
);
