import { getOrganisation, organisationContracts } from "@crm/core/organisation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("orgs.get", organisationContracts, async ({ tenant }) => getOrganisation(tenant));
