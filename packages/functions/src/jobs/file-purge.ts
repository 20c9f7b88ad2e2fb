import { purgeTrashedFiles } from "@crm/core/file";
import { scheduledJob } from "../platform/scheduled-job";

/** Every hour: purges the files whose time in the trash is over, and their objects. */
export const handler = scheduledJob("filePurge", async () => purgeTrashedFiles());
