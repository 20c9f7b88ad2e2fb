import { getSavedView, savedViewContracts } from "@crm/core/saved-view";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("views.get", savedViewContracts, async ({ tenant, params }) =>
  getSavedView(tenant, params.viewId),
);
