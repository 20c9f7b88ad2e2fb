import { listMembers, memberContracts } from "@crm/core/member";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("members.list", memberContracts, async ({ tenant, query }) =>
  listMembers(tenant, query),
);
