import { type ChangeStep, step, steps } from "../../platform/change-set";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { idPrefixes, isIdOf } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { CompanyEntity } from "../company/company.entity";
import { ContactEntity } from "../contact/contact.entity";
import { DealEntity } from "../deal/deal.entity";
import type { AssociableType } from "./association.entity";
import { AssociationEntity } from "./association.entity";
import type { Association, ListAssociationsQuery } from "./association.schema";

export type RecordRef = { type: AssociableType; id: string };

/**
 * The three actions that link `from` to `to`: both directions, and a link count added on `to`. The count is what a
 * deletion of `to` checks in its final transaction, and the patch doubles as the check that `to` exists (its
 * failure, at the third position, means it does not). `from` is the record being written in the same transaction.
 */
export function linkActions(orgId: string, from: RecordRef, to: RecordRef, at: string, primary = false) {
  return [
    inTransaction(AssociationEntity)
      .put({
        orgId,
        recordId: from.id,
        relatedId: to.id,
        relatedType: to.type,
        primary,
        createdAt: at,
      })
      .commit(),
    inTransaction(AssociationEntity)
      .put({
        orgId,
        recordId: to.id,
        relatedId: from.id,
        relatedType: from.type,
        primary,
        createdAt: at,
      })
      .commit(),
    countLinks(orgId, to, 1),
  ] as const;
}

/** The three actions that remove the link between `from` and `to` (see linkActions). */
export function unlinkActions(orgId: string, from: RecordRef, to: RecordRef) {
  return [
    inTransaction(AssociationEntity).delete({ orgId, recordId: from.id, relatedId: to.id }).commit(),
    inTransaction(AssociationEntity).delete({ orgId, recordId: to.id, relatedId: from.id }).commit(),
    countLinks(orgId, to, -1),
  ];
}

/** Rewrites both directions of an existing link with a new primary flag (the count does not change). */
export function relinkActions(orgId: string, from: RecordRef, to: RecordRef, at: string, primary: boolean) {
  return linkActions(orgId, from, to, at, primary).slice(0, 2);
}

function countLinks(orgId: string, record: RecordRef, delta: 1 | -1) {
  switch (record.type) {
    case "contact":
      return inTransaction(ContactEntity).patch({ orgId, contactId: record.id }).add({ linkCount: delta }).commit();
    case "company":
      return inTransaction(CompanyEntity).patch({ orgId, companyId: record.id }).add({ linkCount: delta }).commit();
    case "deal":
      return inTransaction(DealEntity).patch({ orgId, dealId: record.id }).add({ linkCount: delta }).commit();
    default:
      return record.type satisfies never;
  }
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

/** Whether a contact, company or deal exists in the organisation: one GetItem of its key alone. */
export async function recordExists(orgId: string, record: RecordRef): Promise<boolean> {
  if (!isIdOf(record.type, record.id)) return false;
  const { data } =
    record.type === "contact"
      ? await ContactEntity.get({ orgId, contactId: record.id }).go({ attributes: ["contactId"] })
      : record.type === "company"
        ? await CompanyEntity.get({ orgId, companyId: record.id }).go({ attributes: ["companyId"] })
        : await DealEntity.get({ orgId, dealId: record.id }).go({ attributes: ["dealId"] });
  return data !== null;
}

/** What a contact, company or deal is linked to, optionally of one type; one query per page. */
export async function listAssociations(
  context: TenantContext,
  record: RecordRef,
  query: ListAssociationsQuery,
): Promise<Page<Association>> {
  const { orgId } = context;
  if (!(await recordExists(orgId, record))) throw new NotFoundError(record.type, record.id);
  const all = AssociationEntity.query.associationsOfRecord({ orgId, recordId: record.id });
  const selected = query.type ? all.begins({ relatedId: `${idPrefixes[query.type]}_` }) : all;
  return readPage(({ limit, cursor }) => selected.go({ limit, cursor, consistent: true }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "associations", orgId, recordId: record.id, type: query.type }),
    filtered: false,
    map: (link) => ({ type: link.relatedType, id: link.relatedId, primary: link.primary, linkedAt: link.createdAt }),
  });
}

/** How one record's links of one type change in a write: which to add, which to remove, which change primary. */
export type LinkPlan = {
  owner: RecordRef;
  type: AssociableType;
  added: { id: string; primary: boolean }[];
  removed: string[];
  reflagged: { id: string; primary: boolean }[];
};

/** Plans the links from `before` to `after` (ids of one type); with `primaryFirst`, the first id is the primary. */
export function planLinks(
  owner: RecordRef,
  type: AssociableType,
  before: readonly string[],
  after: readonly string[],
  primaryFirst = false,
): LinkPlan {
  const primaryOf = (ids: readonly string[], id: string) => primaryFirst && ids[0] === id;
  return {
    owner,
    type,
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
  const to = (id: string): RecordRef => ({ type: plan.type, id });
  return [
    ...plan.added.flatMap((link) => {
      const [forward, backward, count] = linkActions(orgId, plan.owner, to(link.id), at, link.primary);
      return [
        ...steps(`link ${plan.type}`, [forward, backward]),
        step(`link ${plan.type}: ${link.id} exists`, count, missing && (() => missing(link.id))),
      ];
    }),
    ...plan.removed.flatMap((id) => steps(`unlink ${plan.type}`, unlinkActions(orgId, plan.owner, to(id)))),
    ...plan.reflagged.flatMap((link) =>
      steps(`relink ${plan.type}`, relinkActions(orgId, plan.owner, to(link.id), at, link.primary)),
    ),
  ];
}
