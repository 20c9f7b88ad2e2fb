import type { EntityItem } from "electrodb";
import { assertCanWrite } from "../../capabilities/authorization/policy";
import { deleteObject } from "../../capabilities/storage/object-store";
import { trashRetentionDays } from "../../capabilities/trash/trash.constants";
import { RestoreConflictError } from "../../capabilities/trash/trash.errors";
import { moveToTrashAction, takeFromTrashAction } from "../../capabilities/trash/trash-actions";
import { TrashedRecordEntity } from "../../capabilities/trash/trashed-record.entity";
import { changeSet, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, NotFoundError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { retryingConflicts, succeedsUnlessTaken } from "../../platform/transactions";
import type { FileRecordType } from "./file.constants";
import { FileEntity, FileLinkEntity, FilePurgeEntity } from "./file.entity";
import { type FileItem, loadFile, toFile } from "./file.queries";
import { recordExists } from "./file.records";
import type { FileView } from "./file.schema";
import { heldBytes, usageChange } from "./file.usage";

/*
 * Files in the trash. A file goes there on its own (DELETE, restorable from the trash list), with the contact,
 * company or deal it is only on (restored with it), or with the activity it is only on (activities are deleted for
 * good, so not restorable). Wherever it came from, it is hidden from every read, keeps its links, object and bytes,
 * and is due for purge `trashRetentionDays` after it was trashed: the schedule is written in the transaction that
 * trashes it and removed in the one that restores it.
 */

type FileRecord = { type: FileRecordType; id: string };
type FilePurgeItem = EntityItem<typeof FilePurgeEntity>;

const isRecord = (record: FileRecord) => (each: FileRecord) => each.type === record.type && each.id === record.id;

const purgeDueAt = (deletedAt: string) =>
  new Date(Date.parse(deletedAt) + trashRetentionDays * 86_400_000).toISOString();

/** Hides the file as of `deletedAt`, if it is still the version that was read. */
function trashFileAction(file: FileItem, deletedAt: string) {
  return inTransaction(FileEntity)
    .patch({ orgId: file.orgId, fileId: file.fileId })
    .set({ deletedAt, version: file.version + 1, updatedAt: deletedAt })
    .where(({ version }, { eq }) => eq(version, file.version))
    .commit();
}

/** Takes the file out of the trash onto `records`, if it is still the version that was read. */
function untrashFileAction(file: FileItem, records: FileItem["records"], at: string) {
  return inTransaction(FileEntity)
    .patch({ orgId: file.orgId, fileId: file.fileId })
    .set({ records, version: file.version + 1, updatedAt: at })
    .remove(["deletedAt"])
    .where(({ version }, { eq }) => eq(version, file.version))
    .commit();
}

/** Schedules the trashed file's purge; a put, so trashing a file again replaces what an earlier trashing left. */
function schedulePurgeAction(file: FileItem, deletedAt: string) {
  return inTransaction(FilePurgeEntity)
    .put({
      orgId: file.orgId,
      fileId: file.fileId,
      deletedAt,
      objectKey: file.objectKey,
      dueAt: purgeDueAt(deletedAt),
    })
    .commit();
}

function cancelPurgeAction(orgId: string, fileId: string) {
  return inTransaction(FilePurgeEntity).delete({ orgId, fileId }).commit();
}

function fileLinkDelete(orgId: string, fileId: string, record: FileRecord) {
  return inTransaction(FileLinkEntity).delete({ orgId, recordType: record.type, recordId: record.id, fileId }).commit();
}

/**
 * Moves a file to the trash: hidden from every read, restorable for 30 days onto the records it was on, still
 * counted in the storage until it is purged.
 */
export async function deleteFile(context: TenantContext, fileId: string): Promise<void> {
  assertCanWrite(context.actor);
  const file = await loadFile(context.orgId, fileId);
  const deletedAt = now();
  await changeSet()
    .add("file", trashFileAction(file, deletedAt))
    .add(
      "trash item",
      moveToTrashAction(
        context,
        { type: "file", id: fileId, label: file.name, snapshot: { records: file.records } },
        deletedAt,
      ),
    )
    .add("purge schedule", schedulePurgeAction(file, deletedAt))
    .commit(() => new ConcurrentModificationError("file", fileId));
}

/**
 * Takes a file deleted on its own out of the trash, onto those of its records that still exist (a record deleted
 * meanwhile loses it, and a restore of that record does not bring it back). When none of them exists, it stays in
 * the trash: 409 `restore-conflict` (restore one of its records first). Who may write files may restore them.
 */
export async function restoreFile(context: TenantContext, fileId: string): Promise<FileView> {
  assertCanWrite(context.actor);
  const { data: file } = await FileEntity.get({ orgId: context.orgId, fileId }).go({ consistent: true });
  if (!file?.deletedAt) throw new NotFoundError("deleted record", fileId);
  const present = await Promise.all(file.records.map((record) => recordExists[record.type](context.orgId, record.id)));
  const records = file.records.filter((_, index) => present[index]);
  const gone = file.records.filter((_, index) => !present[index]);
  if (records.length === 0) {
    throw new RestoreConflictError(
      `None of the records the file was on exists any more (${gone.map((record) => `${record.type} ${record.id}`).join(", ")}): restore one of them from the trash first.`,
    );
  }
  const { deletedAt: _deletedAt, ...restored } = { ...file, records, version: file.version + 1, updatedAt: now() };
  await changeSet()
    .add("file", untrashFileAction(file, records, restored.updatedAt))
    .addAll(
      steps(
        "file link",
        gone.map((record) => fileLinkDelete(context.orgId, fileId, record)),
      ),
    )
    .add("purge schedule", cancelPurgeAction(context.orgId, fileId))
    .add("trash item", takeFromTrashAction(context.orgId, fileId), () => new NotFoundError("deleted record", fileId))
    .commit(() => new ConcurrentModificationError("file", fileId));
  return toFile(restored);
}

type HeldRecord = { type: "contact" | "company" | "deal"; id: string };

/**
 * Files follow their record to the trash: a file on the deleted record alone is trashed with it (hidden, kept with
 * its object, still counted in the storage, due for purge); a file also on other records only lets go of this one.
 * What it was detached from is kept in the record's trash item, so a restore brings the files back. A file already
 * in the trash on its own stays there, on its own schedule.
 */
async function detachFiles(context: TenantContext, record: HeldRecord): Promise<string[]> {
  const { data: links } = await FileLinkEntity.query
    .fileLink({ orgId: context.orgId, recordType: record.type, recordId: record.id })
    .go({ pages: "all" });
  const detached: string[] = [];
  for (const link of links) {
    const { data: file } = await FileEntity.get({ orgId: context.orgId, fileId: link.fileId }).go({ consistent: true });
    if (!file || file.deletedAt) continue;
    const remaining = file.records.filter((each) => !isRecord(record)(each));
    const keys = { orgId: context.orgId, fileId: file.fileId };
    const changes = changeSet();
    if (remaining.length === 0) {
      const deletedAt = now();
      changes.add("file", trashFileAction(file, deletedAt)).add("purge schedule", schedulePurgeAction(file, deletedAt));
    } else {
      changes
        .add(
          "file",
          inTransaction(FileEntity)
            .patch(keys)
            .set({ records: remaining, version: file.version + 1, updatedAt: now() })
            .where(({ version }, { eq }) => eq(version, file.version))
            .commit(),
        )
        .add("file link", fileLinkDelete(context.orgId, file.fileId, record));
    }
    await changes.commit(() => new ConcurrentModificationError("file", file.fileId));
    detached.push(file.fileId);
  }
  return detached;
}

/** Whether the file was deleted on its own (restorable from the trash list), rather than with its records. */
async function inTrashOnItsOwn(file: FileItem): Promise<boolean> {
  const { data } = await TrashedRecordEntity.get({ orgId: file.orgId, recordId: file.fileId }).go({ consistent: true });
  return data !== null;
}

/**
 * Brings a restored record's files back: out of the trash, or onto the record again where they still exist. A file
 * deleted on its own meanwhile stays in the trash.
 */
async function relinkFiles(context: TenantContext, record: HeldRecord, fileIds: string[]): Promise<void> {
  for (const fileId of fileIds) {
    const { data: file } = await FileEntity.get({ orgId: context.orgId, fileId }).go({ consistent: true });
    if (!file) continue; // purged meanwhile
    const keys = { orgId: context.orgId, fileId };
    const onRecord = file.records.some(isRecord(record));
    const changes = changeSet();
    if (file.deletedAt && onRecord) {
      changes
        .add("file", untrashFileAction(file, file.records, now()))
        .add("purge schedule", cancelPurgeAction(context.orgId, fileId));
    } else if (file.deletedAt && !onRecord && file.records.length < 10 && !(await inTrashOnItsOwn(file))) {
      // Trashed since with the last of its other records (an activity this record's deletion deleted, say): it
      // comes back on this record, and lets go of those of its records that are gone.
      const present = await Promise.all(file.records.map((each) => recordExists[each.type](context.orgId, each.id)));
      const kept = file.records.filter((_, index) => present[index]);
      const gone = file.records.filter((_, index) => !present[index]);
      changes
        .add("file", untrashFileAction(file, [...kept, record], now()))
        .addAll(
          steps(
            "file link",
            gone.map((each) => fileLinkDelete(context.orgId, fileId, each)),
          ),
        )
        .add(
          "file link",
          inTransaction(FileLinkEntity)
            .create({ orgId: context.orgId, recordType: record.type, recordId: record.id, fileId, createdAt: now() })
            .commit(),
        )
        .add("purge schedule", cancelPurgeAction(context.orgId, fileId));
    } else if (!onRecord && !file.deletedAt && file.records.length < 10) {
      changes
        .add(
          "file",
          inTransaction(FileEntity)
            .patch(keys)
            .set({ records: [...file.records, record], version: file.version + 1, updatedAt: now() })
            .where(({ version }, { eq }) => eq(version, file.version))
            .commit(),
        )
        .add(
          "file link",
          inTransaction(FileLinkEntity)
            .create({ orgId: context.orgId, recordType: record.type, recordId: record.id, fileId, createdAt: now() })
            .commit(),
        );
    } else {
      continue;
    }
    await changes.commit(() => new ConcurrentModificationError("file", fileId));
  }
}

/** How files let go of a deleted contact, company or deal and take it back on restore (composition registers it). */
export const fileLinkCascade = {
  holds: ["contact", "company", "deal"] as const,
  detach: detachFiles,
  relink: relinkFiles,
  holders: (context: TenantContext, record: HeldRecord) => filesOf(context.orgId, record),
  move: async (context: TenantContext, from: HeldRecord, to: HeldRecord) => {
    await relinkFiles(context, to, await filesOf(context.orgId, from));
    await detachFiles(context, from);
  },
};

/** The files on a record, by their links. */
async function filesOf(orgId: string, record: HeldRecord): Promise<string[]> {
  const { data: links } = await FileLinkEntity.query
    .fileLink({ orgId, recordType: record.type, recordId: record.id })
    .go({ pages: "all" });
  return links.map((link) => link.fileId);
}

/**
 * Files let go of a deleted activity (run for its `activity.deleted` event): a file also on other records only loses
 * it; a file on the activity alone goes to the trash to be purged, not restorable, as an activity is deleted for
 * good. Idempotent, as events come at least once: a redelivery finds the links gone or the files trashed.
 */
export async function releaseFilesOfDeletedActivity(
  orgId: string,
  activityId: string,
): Promise<{ released: number; trashed: number }> {
  const activity: FileRecord = { type: "activity", id: activityId };
  const { data: links } = await FileLinkEntity.query
    .fileLink({ orgId, recordType: "activity", recordId: activityId })
    .go({ pages: "all" });
  let released = 0;
  let trashed = 0;
  for (const link of links) {
    await retryingConflicts(async () => {
      const { data: file } = await FileEntity.get({ orgId, fileId: link.fileId }).go({ consistent: true });
      if (!file) return;
      const remaining = file.records.filter((each) => !isRecord(activity)(each));
      if (remaining.length === 0) {
        // Already in the trash (on its own, or with the activity's other record): purged on its own schedule.
        if (file.deletedAt) return;
        const deletedAt = now();
        await changeSet()
          .add("file", trashFileAction(file, deletedAt))
          .add("purge schedule", schedulePurgeAction(file, deletedAt))
          .commit(() => new ConcurrentModificationError("file", file.fileId));
        trashed++;
        return;
      }
      await changeSet()
        .add(
          "file",
          inTransaction(FileEntity)
            .patch({ orgId, fileId: file.fileId })
            .set({ records: remaining, version: file.version + 1, updatedAt: now() })
            .where(({ version }, { eq }) => eq(version, file.version))
            .commit(),
        )
        .add("file link", fileLinkDelete(orgId, file.fileId, activity))
        .commit(() => new ConcurrentModificationError("file", file.fileId));
      released++;
    });
  }
  return { released, trashed };
}

/** How many due files one run of the purge job takes at most; the rest stay due for the next run. */
const maxPurgesPerRun = 1000;

/**
 * Purges the files whose time in the trash is over, across organisations: the file's item, its links, its trash
 * item and its bytes in one transaction (conditional on the file still being trashed as scheduled, at the version
 * read), then its object, then the schedule. The schedule goes last, so a run cut short after the transaction
 * leaves it, and the next run, finding the file gone, deletes the object. Idempotent. `at` (epoch milliseconds)
 * stands for now, for tests.
 */
export async function purgeTrashedFiles(
  options: { at?: number } = {},
): Promise<{ due: number; purged: number; skipped: number }> {
  const until = new Date(options.at ?? Date.now()).toISOString();
  let due = 0;
  let purged = 0;
  let cursor: string | null = null;
  do {
    // An explicit lower bound: an open-ended range would compare the whole concatenated sort key.
    const page: { data: FilePurgeItem[]; cursor: string | null } = await FilePurgeEntity.query
      .duePurges({ queue: "filePurge" })
      .between({ dueAt: "0" }, { dueAt: until })
      .go({ cursor, limit: Math.min(100, maxPurgesPerRun - due) });
    for (const schedule of page.data) {
      due++;
      if (await purgeFile(schedule)) purged++;
    }
    cursor = page.cursor;
  } while (cursor && due < maxPurgesPerRun);
  return { due, purged, skipped: due - purged };
}

async function purgeFile(schedule: FilePurgeItem): Promise<boolean> {
  const { orgId, fileId } = schedule;
  const { data: file } = await FileEntity.get({ orgId, fileId }).go({ consistent: true });
  if (file) {
    if (file.deletedAt !== schedule.deletedAt) {
      // Not trashed as scheduled (trash and restore write the schedule in their own transactions, so this is a
      // leftover): drop the schedule, never the file.
      await succeedsUnlessTaken(
        FilePurgeEntity.delete({ orgId, fileId })
          .where(({ deletedAt }, { eq }) => eq(deletedAt, schedule.deletedAt))
          .go(),
      );
      return false;
    }
    const outcome = await changeSet()
      .add(
        "file",
        inTransaction(FileEntity)
          .delete({ orgId, fileId })
          .where(
            ({ version, deletedAt }, { eq }) => `${eq(version, file.version)} AND ${eq(deletedAt, schedule.deletedAt)}`,
          )
          .commit(),
      )
      .addAll(
        steps(
          "file link",
          file.records.map((record) => fileLinkDelete(orgId, fileId, record)),
        ),
      )
      .add("trash item", inTransaction(TrashedRecordEntity).delete({ orgId, recordId: fileId }).commit())
      .add("storage usage", usageChange(orgId, -heldBytes(file), -1))
      .attempt();
    // Restored or changed (its upload checked) since it was read: a restore took the schedule away, else the next
    // run looks again.
    if (!outcome.committed) return false;
  }
  await deleteObject(schedule.objectKey);
  await FilePurgeEntity.delete({ orgId, fileId }).go();
  return true;
}
