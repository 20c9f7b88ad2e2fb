import { savedViewContracts, updateSavedView } from "@crm/core/saved-view";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("views.update", savedViewContracts, async ({ tenant, params, body }) =>
  updateSavedView(tenant, params.viewId, body),
);
