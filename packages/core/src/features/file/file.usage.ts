import { now } from "../../platform/clock";
import { inTransaction } from "../../platform/table";
import { StorageUsageEntity } from "./file.entity";
import type { FileItem } from "./file.queries";

/** The usage counter's change, refused when it would pass the quota. */
export function usageChange(orgId: string, bytes: number, files: number, quotaBytes?: number) {
  const update = inTransaction(StorageUsageEntity)
    .update({ orgId })
    .add({ usedBytes: bytes, fileCount: files })
    .set({ updatedAt: now() });
  return quotaBytes === undefined
    ? update.commit()
    : update
        .where(
          ({ usedBytes }, { notExists, lte }) => `${notExists(usedBytes)} OR ${lte(usedBytes, quotaBytes - bytes)}`,
        )
        .commit({ response: "all_old" });
}

/**
 * The bytes a file holds in the usage counter: its declared size while pending (the reservation), its real size
 * once available, none once rejected (the check freed them). It still counts as a file until it is gone.
 */
export function heldBytes(file: Pick<FileItem, "status" | "size" | "declaredSize">): number {
  return file.status === "rejected" ? 0 : (file.size ?? file.declaredSize);
}
