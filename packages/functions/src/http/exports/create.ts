import { exportContracts, startExport } from "@crm/core/export";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("exports.create", exportContracts, async ({ tenant, body }) =>
  startExport(tenant, body),
);
