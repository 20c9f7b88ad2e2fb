/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { LastAdminError } from "./member.errors";
export { addMember, findActor, listMembers, removeMember, updateMember } from "./member.service";
