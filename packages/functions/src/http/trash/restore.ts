// The cascades this route triggers (records losing their links, a removed stage's deals moving) are registered here.
import "@crm/core/cascades";
import { restoreFromTrash, trashContracts } from "@crm/core/trash";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("trash.restore", trashContracts, async ({ tenant, params }) =>
  restoreFromTrash(tenant, params.recordId),
);
