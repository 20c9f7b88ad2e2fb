import { addMember } from "@crm/core/member";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("members.add", async ({ tenant, body }) => addMember(tenant, body));
