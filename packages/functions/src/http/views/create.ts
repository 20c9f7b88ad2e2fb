import { createSavedView, savedViewContracts } from "@crm/core/saved-view";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("views.create", savedViewContracts, async ({ tenant, body }) =>
  createSavedView(tenant, body),
);
