import { deleteSavedView, savedViewContracts } from "@crm/core/saved-view";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("views.delete", savedViewContracts, async ({ tenant, params }) =>
  deleteSavedView(tenant, params.viewId),
);
