/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { fileContracts } from "./file.contract";
export { FileEntity, FileLinkEntity, FilePurgeEntity, FileSettingsEntity, StorageUsageEntity } from "./file.entity";
export { filesOfRecord, getFile } from "./file.queries";
export { malwareScanResultSchema } from "./file.schema";
export {
  checkUploadedFile,
  createFile,
  downloadFile,
  getFileSettings,
  renameFile,
  storageUsage,
  updateFileSettings,
} from "./file.service";
export { deleteFile, purgeTrashedFiles, releaseFilesOfDeletedActivity, restoreFile } from "./file-trash.service";
