import { sweepImports } from "@crm/core/import";
import { scheduledJob } from "../platform/scheduled-job";

/** Every five minutes: asks again for the next chunk of each import whose runner's lease ran out. */
export const handler = scheduledJob("importSweep", async () => sweepImports());
