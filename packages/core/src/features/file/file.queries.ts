import type { EntityItem } from "electrodb";
import { NotFoundError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import type { FileRecordType } from "./file.constants";
import { FileEntity, FileLinkEntity } from "./file.entity";
import { recordExists } from "./file.records";
import type { FileView } from "./file.schema";

export type FileItem = EntityItem<typeof FileEntity>;

/** A file as the API shows it: never its object key. */
export function toFile(item: FileItem): FileView {
  return {
    id: item.fileId,
    name: item.name,
    contentType: item.contentType ?? item.declaredContentType,
    size: item.size ?? item.declaredSize,
    status: item.status,
    ...(item.rejectedReason ? { rejectedReason: item.rejectedReason as FileView["rejectedReason"] } : {}),
    records: item.records,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** The organisation's file, or a 404 (also for another organisation's id, and for a file in the trash). */
export async function loadFile(orgId: string, fileId: string): Promise<FileItem> {
  const { data } = await FileEntity.get({ orgId, fileId }).go({ consistent: true });
  if (!data || data.deletedAt) throw new NotFoundError("file", fileId);
  return data;
}

export async function getFile(context: TenantContext, fileId: string): Promise<FileView> {
  return toFile(await loadFile(context.orgId, fileId));
}

/** A record's files, newest first: one query on its links, one batch read of the files. */
export async function filesOfRecord(
  context: TenantContext,
  record: { type: FileRecordType; id: string },
): Promise<{ data: FileView[] }> {
  const { data: links } = await FileLinkEntity.query
    .fileLink({ orgId: context.orgId, recordType: record.type, recordId: record.id })
    .go({ pages: "all" });
  if (links.length === 0) {
    // No files, or no such record here (another organisation's id): the latter is a 404, as on the record's own routes.
    if (!(await recordExists[record.type](context.orgId, record.id))) throw new NotFoundError(record.type, record.id);
    return { data: [] };
  }
  const { data: files } = await FileEntity.get(
    links.map((link) => ({ orgId: context.orgId, fileId: link.fileId })),
  ).go();
  return {
    data: files
      .filter((file) => !file.deletedAt)
      .sort((a, b) => (a.fileId < b.fileId ? 1 : -1))
      .map(toFile),
  };
}
