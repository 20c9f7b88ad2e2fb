import { listMyOrganisations } from "@crm/core/member";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("orgs.list", async ({ identity, query }) => listMyOrganisations(identity, query));
