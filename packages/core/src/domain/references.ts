import { UniqueValueEntity } from "../capabilities/unique/unique-value.entity";
import { type ChangeStep, step } from "../platform/change-set";
import { DuplicateError, ValidationError } from "../platform/errors";
import { inTransaction } from "../platform/table";
import { MemberEntity } from "./member/member.entity";

/**
 * A rule a write must satisfy besides its own condition, checked inside the same transaction so that it holds under
 * concurrency: a unique value is reserved, the owner (or another named member) is a member. `path` names the field a
 * failure is reported on. That a linked record exists is checked by its link count (see linkPlanSteps), not here.
 */
export type Reference =
  | { kind: "unique"; uniqueKind: "contact-email" | "company-domain"; field: string; value: string }
  | { kind: "owner"; memberId: string }
  | { kind: "member"; memberId: string; path: string };

type Owner = { type: "contact" | "company" | "deal" | "activity" | "rule"; id: string };

const invalid = (path: string, message: string) => () => new ValidationError([{ path, message }]);
const notAMember = "Must be a member of this organisation.";

/** The change-set steps that check `references`, each reporting its own failure on its field. */
export function referenceSteps(orgId: string, owner: Owner, references: Reference[]): ChangeStep[] {
  return references.map((reference) => {
    switch (reference.kind) {
      case "unique":
        if (owner.type !== "contact" && owner.type !== "company") {
          throw new Error("Only contacts and companies reserve unique values.");
        }
        return step(
          `unique ${reference.field}`,
          inTransaction(UniqueValueEntity)
            .create({
              orgId,
              kind: reference.uniqueKind,
              value: reference.value,
              ownerType: owner.type,
              ownerId: owner.id,
            })
            .commit({ response: "all_old" }),
          (seen) => {
            const holder = seen as { ownerType?: string; ownerId?: string } | null;
            return new DuplicateError(reference.field, reference.value, {
              type: holder?.ownerType ?? "record",
              id: holder?.ownerId ?? "unknown",
            });
          },
        );
      case "owner":
        return memberStep(orgId, reference.memberId, "body.ownerId");
      case "member":
        return memberStep(orgId, reference.memberId, reference.path);
      default:
        return reference satisfies never;
    }
  });
}

function memberStep(orgId: string, memberId: string, path: string): ChangeStep {
  return step(
    "member exists",
    inTransaction(MemberEntity)
      .check({ orgId, memberId })
      .where((attributes, { exists }) => exists(attributes.memberId))
      .commit(),
    invalid(path, notAMember),
  );
}

/** Releases reserved unique values, only where the sentinel still belongs to `owner`. */
export function releaseUniqueValues(
  orgId: string,
  owner: Owner,
  kind: "contact-email" | "company-domain",
  values: string[],
): ChangeStep[] {
  return values.map((value) =>
    step(
      "release unique value",
      inTransaction(UniqueValueEntity)
        .delete({ orgId, kind, value })
        .where((attributes, { eq }) => eq(attributes.ownerId, owner.id))
        .commit(),
    ),
  );
}

/**
 * The members custom field values name, as references checked in the record's transaction; a member the write
 * already checks is not checked twice (one transaction may touch an item only once).
 */
export function withCustomFieldMembers(
  references: Reference[],
  members: readonly { memberId: string; path: string }[],
): Reference[] {
  const checked = new Set(references.flatMap((reference) => (reference.kind === "unique" ? [] : [reference.memberId])));
  const added: Reference[] = [];
  for (const { memberId, path } of members) {
    if (checked.has(memberId)) continue;
    checked.add(memberId);
    added.push({ kind: "member", memberId, path });
  }
  return [...references, ...added];
}
