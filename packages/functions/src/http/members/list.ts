import { listMembers } from "@crm/core/member";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("members.list", async ({ tenant, query }) => listMembers(tenant, query));
