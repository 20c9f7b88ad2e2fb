/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { memberContracts } from "./member.contract";
export { MemberEntity } from "./member.entity";
export { LastAdminError } from "./member.errors";
export { findActor, listMembers, listMyOrganisations } from "./member.queries";
export { addMember, createOrganisation, removeMember, updateMember } from "./member.service";
