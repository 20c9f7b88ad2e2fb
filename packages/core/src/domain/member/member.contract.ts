import { type ContractsOf, pageQuery } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { memberRoutes } from "./member.routes";
import { addMemberInput, memberSchema, updateMemberInput } from "./member.schema";

/** What the routes of member.routes.ts accept and answer. */
export const memberContracts = {
  "members.list": {
    summary: "List members",
    tag: "Members",
    query: pageQuery,
    response: { status: 200, description: "A page of members.", schema: page(memberSchema) },
  },
  "members.add": {
    summary: "Add a member by email",
    description: "The person signs in with a token carrying this email.",
    tag: "Members",
    body: addMemberInput,
    response: { status: 201, description: "The new member.", schema: memberSchema, location: true },
    errors: [409],
  },
  "members.update": {
    summary: "Change a member's role or name",
    description: "Demoting the last admin is refused with 409 `last-admin`.",
    tag: "Members",
    body: updateMemberInput,
    response: { status: 200, description: "The updated member.", schema: memberSchema },
    errors: [409],
  },
  "members.remove": {
    summary: "Remove a member",
    description: "Removing the last admin is refused with 409 `last-admin`.",
    tag: "Members",
    response: { status: 204, description: "The member was removed." },
    errors: [409],
  },
} as const satisfies ContractsOf<typeof memberRoutes>;
