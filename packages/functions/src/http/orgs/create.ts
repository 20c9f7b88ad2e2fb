import { createOrganisation } from "@crm/core/member";
import { organisationContracts } from "@crm/core/organisation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("orgs.create", organisationContracts, async ({ identity, body, requestId }) =>
  createOrganisation(identity, body, requestId),
);
