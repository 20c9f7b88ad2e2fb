import { createOrganisation } from "@crm/core/member";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("orgs.create", async ({ identity, body, requestId }) =>
  createOrganisation(identity, body, requestId),
);
