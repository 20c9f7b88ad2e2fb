import { removeDeletedCustomFields } from "@crm/core/custom-field-cleanup";
import { scheduledJob } from "../platform/scheduled-job";

/** Every five minutes: removes deleted custom fields' values from records, then the fields themselves. */
export const handler = scheduledJob("customFieldCleanup", async () => removeDeletedCustomFields());
