import type { Role } from "../../declarations/routes";
import { ForbiddenError } from "../../platform/errors";
import type { Actor } from "../../platform/request-context";

/**
 * Record-level rules, on top of the route table's role lists:
 * - viewers read;
 * - members create, edit any record, and delete or reassign only the records they own;
 * - managers and admins edit, reassign and delete anything;
 * - only admins manage members (enforced by the route table alone).
 */
const mayActOnAnyRecord: Record<Role, boolean> = { admin: true, manager: true, member: false, viewer: false };
const mayWrite: Record<Role, boolean> = { admin: true, manager: true, member: true, viewer: false };

type Owned = { ownerId: string };

export function assertCanWrite(actor: Actor): void {
  if (!mayWrite[actor.role]) throw new ForbiddenError("Viewers can read but not change records.");
}

export function assertCanDelete(actor: Actor, record: Owned, resource: string): void {
  assertCanWrite(actor);
  if (!mayActOnAnyRecord[actor.role] && record.ownerId !== actor.memberId) {
    throw new ForbiddenError(`Members can delete only the ${resource} records they own.`);
  }
}

export function assertCanReassign(actor: Actor, record: Owned, resource: string): void {
  assertCanWrite(actor);
  if (!mayActOnAnyRecord[actor.role] && record.ownerId !== actor.memberId) {
    throw new ForbiddenError(`Members can change the owner only of ${resource} records they own.`);
  }
}
