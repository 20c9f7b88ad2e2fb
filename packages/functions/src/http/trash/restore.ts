import { restoreFromTrash } from "@crm/core/trash";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("trash.restore", async ({ tenant, params }) =>
  restoreFromTrash(tenant, params.recordId),
);
