import { listTrash, trashContracts } from "@crm/core/trash";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("trash.list", trashContracts, async ({ tenant, query }) =>
  listTrash(tenant, query),
);
