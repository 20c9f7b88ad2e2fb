import { checkUploadedFile } from "@crm/core/file";
import { bucketSubscriber } from "../platform";

export const handler = bucketSubscriber("fileUploaded", checkUploadedFile);
