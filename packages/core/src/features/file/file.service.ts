import { randomBytes } from "node:crypto";
import { assertCanWrite } from "../../capabilities/authorization/policy";
import {
  deleteObject,
  objectSize,
  objectStart,
  objectTags,
  presignedDownload,
  presignedUpload,
  tagObject,
} from "../../capabilities/storage/object-store";
import {
  defaultAllowedFileTypes,
  downloadUrlSeconds,
  fileObjectPrefix,
  supportedFileTypes,
  uploadCheckTag,
  uploadUrlSeconds,
} from "../../declarations/files";
import { changeSet, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { filesConfig } from "../../platform/config/files.config";
import { ConcurrentModificationError, ValidationError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import type { FileRejection } from "./file.constants";
import { FileEntity, FileLinkEntity, FileSettingsEntity, StorageUsageEntity } from "./file.entity";
import { FileNotAvailableError, FileTooLargeError, StorageQuotaExceededError } from "./file.errors";
import { type FileItem, loadFile, toFile } from "./file.queries";
import { recordExists } from "./file.records";
import type { CreateFileInput, FileSettings, FileView, RenameFileInput, UpdateFileSettingsInput } from "./file.schema";
import { usageChange } from "./file.usage";
import { sniffedType } from "./file-types";

/**
 * The organisation's limits: its admins' choice of types and per-file limit (never above the deployment's), and
 * the deployment's quota (a matter of the plan, not of the organisation's settings).
 */
async function limitsOf(orgId: string) {
  const { data: settings } = await FileSettingsEntity.get({ orgId }).go();
  const deployment = filesConfig();
  return {
    maxFileBytes: Math.min(settings?.maxFileBytes ?? deployment.maxFileBytes, deployment.maxFileBytes),
    quotaBytes: deployment.quotaBytes,
    allowedTypes: (settings?.allowedTypes ?? defaultAllowedFileTypes) as readonly string[],
  };
}

/** What the organisation accepts, and what it may choose from. */
export async function getFileSettings(context: TenantContext): Promise<FileSettings> {
  const limits = await limitsOf(context.orgId);
  return {
    allowedTypes: [...limits.allowedTypes],
    maxFileBytes: limits.maxFileBytes,
    supportedTypes: [...supportedFileTypes],
    quotaBytes: limits.quotaBytes,
  };
}

/** Changes what the organisation accepts; files already stored are not checked again. Admins (by the route). */
export async function updateFileSettings(
  context: TenantContext,
  input: UpdateFileSettingsInput,
): Promise<FileSettings> {
  const current = await limitsOf(context.orgId);
  const deploymentMax = filesConfig().maxFileBytes;
  if (input.maxFileBytes !== undefined && input.maxFileBytes > deploymentMax) {
    throw new ValidationError([
      { path: "body.maxFileBytes", message: `At most ${deploymentMax} bytes, the limit of this deployment.` },
    ]);
  }
  await FileSettingsEntity.put({
    orgId: context.orgId,
    allowedTypes: input.allowedTypes ?? [...current.allowedTypes],
    maxFileBytes: input.maxFileBytes ?? current.maxFileBytes,
    updatedBy: context.actor.memberId,
    updatedAt: now(),
  }).go();
  return getFileSettings(context);
}

/**
 * Offers an upload: the file is recorded as `pending` on its records, its declared size reserved against the
 * organisation's quota in the same transaction, and a presigned POST returned whose policy pins key, type and size.
 * Nothing is half-created: a refused request writes nothing.
 */
export async function createFile(
  context: TenantContext,
  input: CreateFileInput,
): Promise<{ file: FileView; upload: Awaited<ReturnType<typeof presignedUpload>> }> {
  assertCanWrite(context.actor);
  const limits = await limitsOf(context.orgId);
  if (input.size > limits.maxFileBytes) {
    throw new FileTooLargeError(
      limits.maxFileBytes,
      `The file is ${input.size} bytes; the limit is ${limits.maxFileBytes} bytes per file.`,
    );
  }
  if (!limits.allowedTypes.includes(input.contentType)) {
    throw new ValidationError([
      { path: "body.contentType", message: `The organisation does not accept ${input.contentType} files.` },
    ]);
  }
  const records = [...new Map(input.records.map((record) => [`${record.type}/${record.id}`, record])).values()];
  const missing = await Promise.all(records.map((record) => recordExists[record.type](context.orgId, record.id)));
  const errors = records.flatMap((record, index) =>
    missing[index] ? [] : [{ path: `body.records.${index}.id`, message: `No such ${record.type}.` }],
  );
  if (errors.length > 0) throw new ValidationError(errors);
  const at = now();
  const fileId = newId("file");
  // The random part keeps keys unguessable even to someone who knows a file's id.
  const objectKey = `${fileObjectPrefix}${context.orgId}/files/${fileId}/${randomBytes(16).toString("hex")}`;
  const item: FileItem = {
    orgId: context.orgId,
    fileId,
    name: input.name,
    declaredContentType: input.contentType,
    declaredSize: input.size,
    status: "pending",
    objectKey,
    records,
    version: 1,
    createdBy: context.actor.memberId,
    createdAt: at,
    updatedAt: at,
  };
  await changeSet()
    .add("file", inTransaction(FileEntity).create(item).commit())
    .addAll(
      steps(
        "file link",
        records.map((record) =>
          inTransaction(FileLinkEntity)
            .create({ orgId: context.orgId, recordType: record.type, recordId: record.id, fileId, createdAt: at })
            .commit(),
        ),
      ),
    )
    .add("storage usage", usageChange(context.orgId, input.size, 1, limits.quotaBytes), (seen) => {
      const usedBytes = (seen as { usedBytes?: number } | undefined)?.usedBytes ?? 0;
      return new StorageQuotaExceededError(
        { usedBytes, quotaBytes: limits.quotaBytes },
        `The organisation stores ${usedBytes} of ${limits.quotaBytes} bytes; this file needs ${input.size} more.`,
      );
    })
    .commit(() => new ConcurrentModificationError("file", fileId));
  const upload = await presignedUpload(objectKey, {
    contentType: input.contentType,
    maxBytes: input.size,
    expiresInSeconds: uploadUrlSeconds,
    tags: { [uploadCheckTag.key]: uploadCheckTag.pending },
  });
  return { file: toFile(item), upload };
}

/** A short-lived download of an available file, as an attachment with its name. */
export async function downloadFile(context: TenantContext, fileId: string) {
  const file = await loadFile(context.orgId, fileId);
  if (file.status !== "available") {
    throw new FileNotAvailableError(
      file.status,
      file.status === "pending"
        ? "The file has not arrived or has not been checked yet."
        : "The file was rejected when it was checked.",
    );
  }
  return presignedDownload(file.objectKey, {
    name: file.name,
    contentType: file.contentType ?? file.declaredContentType,
    expiresInSeconds: downloadUrlSeconds,
  });
}

export async function renameFile(context: TenantContext, fileId: string, input: RenameFileInput): Promise<FileView> {
  assertCanWrite(context.actor);
  const file = await loadFile(context.orgId, fileId);
  const next = { ...file, name: input.name, version: file.version + 1, updatedAt: now() };
  await changeSet()
    .add(
      "file",
      inTransaction(FileEntity)
        .patch({ orgId: file.orgId, fileId })
        .set({ name: next.name, version: next.version, updatedAt: next.updatedAt })
        .where(({ version }, { eq }) => eq(version, file.version))
        .commit(),
    )
    .commit(() => new ConcurrentModificationError("file", fileId));
  return toFile(next);
}

/** The file an object key belongs to: `orgs/<orgId>/files/<fileId>/<random>`. */
function fileOfKey(key: string): { orgId: string; fileId: string } | undefined {
  const match = /^orgs\/(org_[0-9a-z]+)\/files\/(fil_[0-9a-z]+)\/[0-9a-f]+$/.exec(key);
  return match ? { orgId: match[1] as string, fileId: match[2] as string } : undefined;
}

/** The EICAR test file's signature: every antivirus flags it, so tests and demos can be "infected" harmlessly. */
const eicarSignature = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!";

/**
 * The malware verdict: GuardDuty Malware Protection for S3 tags each object it scanned with its verdict; the local
 * pass-through flags the EICAR test file only.
 */
async function malwareVerdict(key: string, start: Uint8Array): Promise<"clean" | "infected" | "pending"> {
  if (filesConfig().malwareScan === "local") {
    return new TextDecoder().decode(start).includes(eicarSignature) ? "infected" : "clean";
  }
  const status = (await objectTags(key)).GuardDutyMalwareScanStatus;
  if (status === undefined) return "pending";
  return status === "NO_THREATS_FOUND" ? "clean" : "infected";
}

/**
 * Checks what arrived for a pending file, as the bucket's object-created notification says: the object's real size
 * (the policy capped it; a smaller one is fine, the reservation is corrected), its type sniffed from its first bytes
 * against the organisation's allow-list and against what was declared, and the malware verdict. A rejected file
 * keeps its record with the reason; its object is deleted and its bytes freed. Idempotent: S3 delivers at least once.
 */
export async function checkUploadedFile(objectKey: string): Promise<CheckOutcome> {
  try {
    return await checkObject(objectKey);
  } catch (error) {
    // Two checks of one upload may run at once (S3's notification and GuardDuty's result): the one that rejected
    // the file deleted its object, and the other finds it gone. Nothing is left to decide.
    if ((error as { name?: string }).name === "NoSuchKey") return "ignored";
    throw error;
  }
}

type CheckOutcome = "available" | "rejected" | "ignored" | "waiting";

async function checkObject(objectKey: string): Promise<CheckOutcome> {
  const owner = fileOfKey(objectKey);
  if (!owner) return "ignored";
  const { data: file } = await FileEntity.get(owner).go({ consistent: true });
  if (file?.status !== "pending" || file.objectKey !== objectKey) return "ignored";
  const size = await objectSize(objectKey);
  if (size === undefined) return "ignored"; // deleted meanwhile
  const limits = await limitsOf(file.orgId);
  const start = size === 0 ? new Uint8Array() : await objectStart(objectKey, 4100);
  const sniffed = size === 0 ? undefined : await sniffedType(start, file.declaredContentType);
  const rejection: FileRejection | undefined =
    size === 0
      ? "empty"
      : size > file.declaredSize
        ? "size-mismatch"
        : !sniffed || !limits.allowedTypes.includes(sniffed)
          ? "type-not-allowed"
          : sniffed !== file.declaredContentType
            ? "type-mismatch"
            : undefined;
  const verdict = rejection ? "clean" : await malwareVerdict(objectKey, start);
  if (verdict === "pending") return "waiting";
  const outcome = rejection ?? (verdict === "infected" ? "malware" : undefined);
  // Out of the lifecycle rule's reach before the file is available: a failure here leaves it pending, to retry.
  if (!outcome) await tagObject(objectKey, { [uploadCheckTag.key]: uploadCheckTag.passed });
  const at = now();
  const decided = await changeSet()
    .add(
      "file",
      inTransaction(FileEntity)
        .patch(owner)
        .set({
          status: outcome ? "rejected" : "available",
          size,
          ...(sniffed ? { contentType: sniffed } : {}),
          ...(outcome ? { rejectedReason: outcome } : {}),
          version: file.version + 1,
          updatedAt: at,
        })
        .where(({ status }, { eq }) => eq(status, "pending"))
        .commit(),
    )
    // The reservation becomes the real size, or is freed for a rejected file.
    .add("storage usage", usageChange(file.orgId, outcome ? -file.declaredSize : size - file.declaredSize, 0))
    .attempt();
  // Another check of the same upload decided it first (S3's notification and GuardDuty's result may race).
  if (!decided.committed) {
    if (decided.refused.has("file")) return "ignored";
    throw new ConcurrentModificationError("file", file.fileId);
  }
  if (outcome) await deleteObject(objectKey); // if this fails, the lifecycle rule takes the pending object
  return outcome ? "rejected" : "available";
}

/** The organisation's storage: what its files take, its quota and the per-file limit. */
export async function storageUsage(context: TenantContext) {
  const { data } = await StorageUsageEntity.get({ orgId: context.orgId }).go({ consistent: true });
  const limits = await limitsOf(context.orgId);
  return {
    usedBytes: data?.usedBytes ?? 0,
    quotaBytes: limits.quotaBytes,
    fileCount: data?.fileCount ?? 0,
    maxFileBytes: limits.maxFileBytes,
  };
}
