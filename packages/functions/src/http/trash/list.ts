import { listTrash } from "@crm/core/trash";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("trash.list", async ({ tenant, query }) => listTrash(tenant, query));
