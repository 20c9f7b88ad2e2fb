import { memberContracts, removeMember } from "@crm/core/member";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("members.remove", memberContracts, async ({ tenant, params }) =>
  removeMember(tenant, params.memberId),
);
