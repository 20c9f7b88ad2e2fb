import { type ChangeStep, step, steps } from "../../platform/change-set";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { idPrefixes } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import type { AssociableType } from "./association.constants";
import { AssociationEntity } from "./association.entity";
import type { Association, ListAssociationsQuery } from "./association.schema";
import type { LinkTarget } from "./link-target";

export type RecordRef = { type: AssociableType; id: string };

/**
 * The three actions that link `from` to the record `id` of `target`'s kind: both directions, and a link count added
 * on that record. The count is what a deletion of the record checks in its final transaction, and the patch doubles
 * as the check that it exists (see linkPlanSteps). `from` is the record being written in the same transaction.
 */
export function linkActions(
  orgId: string,
  from: RecordRef,
  target: LinkTarget,
  id: string,
  at: string,
  primary = false,
) {
  return [
    inTransaction(AssociationEntity)
      .put({ orgId, recordId: from.id, relatedId: id, relatedType: target.type, primary, createdAt: at })
      .commit(),
    inTransaction(AssociationEntity)
      .put({ orgId, recordId: id, relatedId: from.id, relatedType: from.type, primary, createdAt: at })
      .commit(),
    target.countLinks(orgId, id, 1),
  ] as const;
}

/** The three actions that remove the link between `from` and the record `id` of `target`'s kind (see linkActions). */
export function unlinkActions(orgId: string, from: RecordRef, target: LinkTarget, id: string) {
  return [
    inTransaction(AssociationEntity).delete({ orgId, recordId: from.id, relatedId: id }).commit(),
    inTransaction(AssociationEntity).delete({ orgId, recordId: id, relatedId: from.id }).commit(),
    target.countLinks(orgId, id, -1),
  ];
}

/** Rewrites both directions of an existing link with a new primary flag (the count does not change). */
export function relinkActions(
  orgId: string,
  from: RecordRef,
  target: LinkTarget,
  id: string,
  at: string,
  primary: boolean,
) {
  return linkActions(orgId, from, target, id, at, primary).slice(0, 2);
}

/** Every record linked to `record` of one type (all types when omitted), read with strong consistency. */
export async function linkedRecords(orgId: string, record: RecordRef, type?: AssociableType): Promise<RecordRef[]> {
  const query = AssociationEntity.query.associationsOfRecord({ orgId, recordId: record.id });
  const { data } = await (type ? query.begins({ relatedId: `${idPrefixes[type]}_` }) : query).go({
    consistent: true,
    pages: "all",
  });
  return data.map((link) => ({ type: link.relatedType, id: link.relatedId }));
}

/**
 * What the record `id` of `target`'s kind (a contact, company or deal) is linked to, optionally of one type; one
 * GetItem to know the record exists, then one query per page.
 */
export async function listAssociations(
  context: TenantContext,
  target: LinkTarget,
  id: string,
  query: ListAssociationsQuery,
): Promise<Page<Association>> {
  const { orgId } = context;
  if (!(await target.exists(orgId, id))) throw new NotFoundError(target.type, id);
  const all = AssociationEntity.query.associationsOfRecord({ orgId, recordId: id });
  const selected = query.type ? all.begins({ relatedId: `${idPrefixes[query.type]}_` }) : all;
  return readPage(({ limit, cursor }) => selected.go({ limit, cursor, consistent: true }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "associations", orgId, recordId: id, type: query.type }),
    filtered: false,
    map: (link) => ({ type: link.relatedType, id: link.relatedId, primary: link.primary, linkedAt: link.createdAt }),
  });
}

/** How one record's links of one type change in a write: which to add, which to remove, which change primary. */
export type LinkPlan = {
  owner: RecordRef;
  target: LinkTarget;
  added: { id: string; primary: boolean }[];
  removed: string[];
  reflagged: { id: string; primary: boolean }[];
};

/** Plans the links from `before` to `after` (ids of `target`'s kind); with `primaryFirst`, the first is the primary. */
export function planLinks(
  owner: RecordRef,
  target: LinkTarget,
  before: readonly string[],
  after: readonly string[],
  primaryFirst = false,
): LinkPlan {
  const primaryOf = (ids: readonly string[], id: string) => primaryFirst && ids[0] === id;
  return {
    owner,
    target,
    added: after.filter((id) => !before.includes(id)).map((id) => ({ id, primary: primaryOf(after, id) })),
    removed: before.filter((id) => !after.includes(id)),
    reflagged: after
      .filter((id) => before.includes(id) && primaryOf(before, id) !== primaryOf(after, id))
      .map((id) => ({ id, primary: primaryOf(after, id) })),
  };
}

/**
 * The change-set steps of a plan: per added link both edge items and the target's link count (whose existence
 * condition is the check that the target exists: its failure is `missing(id)`), per removed one the same undone,
 * per re-flagged one both edges again.
 */
export function linkPlanSteps(
  orgId: string,
  plan: LinkPlan,
  at: string,
  missing?: (id: string) => Error,
): ChangeStep[] {
  const { owner, target } = plan;
  return [
    ...plan.added.flatMap((link) => {
      const [forward, backward, count] = linkActions(orgId, owner, target, link.id, at, link.primary);
      return [
        ...steps(`link ${target.type}`, [forward, backward]),
        step(`link ${target.type}: ${link.id} exists`, count, missing && (() => missing(link.id))),
      ];
    }),
    ...plan.removed.flatMap((id) => steps(`unlink ${target.type}`, unlinkActions(orgId, owner, target, id))),
    ...plan.reflagged.flatMap((link) =>
      steps(`relink ${target.type}`, relinkActions(orgId, owner, target, link.id, at, link.primary)),
    ),
  ];
}
