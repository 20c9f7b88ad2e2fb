import { listSavedViews, savedViewContracts } from "@crm/core/saved-view";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("views.list", savedViewContracts, async ({ tenant, query }) =>
  listSavedViews(tenant, query),
);
