import { memberContracts, updateMember } from "@crm/core/member";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("members.update", memberContracts, async ({ tenant, params, body }) =>
  updateMember(tenant, params.memberId, body),
);
