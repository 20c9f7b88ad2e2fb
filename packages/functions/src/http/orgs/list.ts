import { listMyOrganisations } from "@crm/core/member";
import { organisationContracts } from "@crm/core/organisation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("orgs.list", organisationContracts, async ({ identity, query }) =>
  listMyOrganisations(identity, query),
);
