import { addMember, memberContracts } from "@crm/core/member";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("members.add", memberContracts, async ({ tenant, body }) =>
  addMember(tenant, body),
);
