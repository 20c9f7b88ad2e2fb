import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { fileRecordTypes, fileStatuses } from "./file.constants";

const purgeQueue = globalIndex("gsi4");

/**
 * A file on one or more records. It is `pending` from the moment an upload is offered until the bucket's
 * notification has been checked (size, sniffed type, allow-list, malware scan): only then `available`, and only an
 * available file can be downloaded. A rejected one keeps its record, with why, and loses its object.
 */
export const FileEntity = tableEntity({
  model: { service: "crm", entity: "file", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    fileId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    /** What the uploader said; the upload's policy pins it, and the check compares it with the bytes. */
    declaredContentType: { type: "string", required: true, readOnly: true },
    declaredSize: { type: "number", required: true, readOnly: true },
    /** What arrived: the type sniffed from the bytes and the object's real size. */
    contentType: { type: "string" },
    size: { type: "number" },
    status: { type: fileStatuses, required: true },
    rejectedReason: { type: "string" },
    /** The object's key: the organisation, the file and a random part, never derived from what the API shows. */
    objectKey: { type: "string", required: true, readOnly: true },
    records: {
      type: "list",
      required: true,
      items: {
        type: "map",
        properties: { type: { type: fileRecordTypes, required: true }, id: { type: "string", required: true } },
      },
    },
    /** Set while the file is in the trash (with its record, or on its own). */
    deletedAt: { type: "string" },
    version: { type: "number", required: true, default: 1 },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    file: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "fileId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});

/** One file on one record, so a record's files are one query; written in the file's own transaction. */
export const FileLinkEntity = tableEntity({
  model: { service: "crm", entity: "fileLink", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    recordType: { type: fileRecordTypes, required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    fileId: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    fileLink: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordType", "recordId"] },
      sk: { field: primaryKeyFields.sk, composite: ["fileId"] },
    },
  },
});

/**
 * What an organisation stores: bytes of available files plus bytes reserved by pending uploads. A file is admitted
 * only if its declared size fits the quota, in the transaction that creates it, so two uploads at once cannot both
 * pass the last free megabyte.
 */
export const StorageUsageEntity = tableEntity({
  model: { service: "crm", entity: "storageUsage", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    usedBytes: { type: "number", required: true, default: 0 },
    fileCount: { type: "number", required: true, default: 0 },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    storageUsage: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});

/** What an organisation accepts, when its admins narrowed or widened the defaults (absent: the defaults). */
export const FileSettingsEntity = tableEntity({
  model: { service: "crm", entity: "fileSettings", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    allowedTypes: { type: "list", items: { type: "string" }, required: true },
    maxFileBytes: { type: "number", required: true },
    updatedBy: { type: "string", required: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    fileSettings: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});

/**
 * A file in the trash, due to be purged (item, links, bytes, object) at `dueAt`: written in the transaction that
 * trashes the file, deleted in the one that restores it. The purge job reads the due ones with one range query on a
 * queue shared by every organisation (its own gsi4 partition, `queue_filepurge`, beside the automation's delay
 * queue). It outlives the file's item until the object is deleted, so a purge cut short still deletes the object.
 */
export const FilePurgeEntity = tableEntity({
  model: { service: "crm", entity: "filePurge", version: "1" },
  attributes: {
    queue: { type: ["filePurge"] as const, required: true, readOnly: true, default: "filePurge" },
    orgId: { type: "string", required: true, readOnly: true },
    fileId: { type: "string", required: true, readOnly: true },
    /** The file's `deletedAt` when it was trashed: the purge deletes the file only if it is still that. */
    deletedAt: { type: "string", required: true, readOnly: true },
    objectKey: { type: "string", required: true, readOnly: true },
    dueAt: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    filePurge: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "fileId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    duePurges: {
      index: purgeQueue.index,
      pk: { field: purgeQueue.pk, composite: ["queue"] },
      sk: { field: purgeQueue.sk, composite: ["dueAt", "fileId"] },
    },
  },
});
