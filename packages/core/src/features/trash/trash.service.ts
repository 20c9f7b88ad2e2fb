import type { EntityItem } from "electrodb";
import { assertCanDelete } from "../../capabilities/authorization/policy";
import type { TrashableType } from "../../capabilities/trash/trash.constants";
import { TrashedRecordEntity } from "../../capabilities/trash/trashed-record.entity";
import { restoreCompany } from "../../domain/company/company.service";
import { restoreContact } from "../../domain/contact/contact.service";
import { restoreDeal } from "../../domain/deal/deal.service";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { restoreFile } from "../file/file-trash.service";
import type { ListTrashQuery, TrashedRecord } from "./trash.schema";

type TrashedItem = EntityItem<typeof TrashedRecordEntity>;

const nowInSeconds = () => Math.floor(Date.now() / 1000);

function toTrashedRecord(item: TrashedItem): TrashedRecord {
  return {
    type: item.recordType,
    id: item.recordId,
    label: item.label,
    deletedAt: item.deletedAt,
    deletedBy: item.deletedBy,
    restorableUntil: new Date(item.expiresAt * 1000).toISOString(),
  };
}

/** Deleted contacts, companies, deals and files that can still be restored, most recently deleted first. */
export async function listTrash(context: TenantContext, query: ListTrashQuery): Promise<Page<TrashedRecord>> {
  const { orgId } = context;
  const until = nowInSeconds();
  // DynamoDB's TTL removes expired items only eventually, so expiry is also checked here.
  const trash = TrashedRecordEntity.query
    .trashOfOrganisation({ orgId })
    .where((attributes, { gt, eq }) =>
      query.type
        ? `${gt(attributes.expiresAt, until)} AND ${eq(attributes.recordType, query.type)}`
        : gt(attributes.expiresAt, until),
    );
  return readPage(({ limit, cursor }) => trash.go({ limit, cursor, order: "desc" }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "trash", orgId, type: query.type }),
    filtered: true,
    map: toTrashedRecord,
  });
}

/**
 * Restores a deleted record with its id, fields and history. Who may delete a record may restore it (a file: who may
 * write files); a record past its 30 days is gone (404).
 */
export async function restoreFromTrash(
  context: TenantContext,
  recordId: string,
): Promise<{ type: TrashableType; record: Record<string, unknown> }> {
  const { data: trashed } = await TrashedRecordEntity.get({ orgId: context.orgId, recordId }).go({ consistent: true });
  if (!trashed || trashed.expiresAt <= nowInSeconds()) throw new NotFoundError("deleted record", recordId);
  // A file has no owner: its own restore checks that the caller may write files.
  if (trashed.recordType === "file") return { type: "file", record: await restoreFile(context, recordId) };
  // biome-ignore lint/suspicious/noExplicitAny: the snapshot is the stored item of the record's own entity
  const snapshot = trashed.snapshot as any;
  assertCanDelete(context.actor, snapshot, trashed.recordType);
  switch (trashed.recordType) {
    case "contact":
      return { type: "contact", record: await restoreContact(context, snapshot) };
    case "company":
      return { type: "company", record: await restoreCompany(context, snapshot) };
    case "deal":
      return { type: "deal", record: await restoreDeal(context, snapshot) };
    default:
      return trashed.recordType satisfies never;
  }
}
