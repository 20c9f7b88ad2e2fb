import { getOrganisation } from "@crm/core/organisation";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("orgs.get", async ({ tenant }) => getOrganisation(tenant));
