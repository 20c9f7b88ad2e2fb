/**
 * Scheduled jobs, declared once: `stacks/` creates one EventBridge Scheduler schedule per entry (sst.aws.CronV2),
 * the local cloud runs the same handlers on the same rate. Free of runtime dependencies: SST's config loader imports it.
 */

export type ScheduleDeclaration = {
  /** SST handler string: file path from the repository root without extension, then `.handler`. */
  readonly handler: string;
  /** EventBridge Scheduler expression: `rate(...)` or `cron(...)`, UTC. */
  readonly schedule: string;
  readonly description: string;
  /** The function's timeout; one minute when not given. */
  readonly timeoutSeconds?: number;
  /**
   * Resources the job needs besides the table, the bus and the WebSocket API, which every job is linked to: `vault`
   * is the token vault alone (webhook signing secrets), `integrations` everything the integrations use, the vault
   * included, `files` the files' bucket.
   */
  readonly uses?: readonly ("integrations" | "vault" | "files")[];
};

const jobs = (file: string) => `packages/functions/src/jobs/${file}.handler`;

export const schedules = {
  webhookRetries: {
    handler: jobs("webhook-retries"),
    schedule: "rate(1 minute)",
    description:
      "Attempts the webhook deliveries whose retry is due (one query on the sparse index of pending deliveries).",
    // Signing opens the subscriptions' sealed secrets.
    uses: ["vault"],
  },
  automationDelays: {
    handler: jobs("automation-delays"),
    schedule: "rate(1 minute)",
    description: "Continues automation runs whose delay step is over (one range query on the delay queue).",
    // A sendWebhook action after the delay signs the delivery; a draftInvoice action calls the connected books.
    timeoutSeconds: 300,
    uses: ["integrations"],
  },
  integrationSync: {
    handler: jobs("integration-sync"),
    schedule: "rate(5 minutes)",
    description:
      "Syncs every active connection from its stored cursor (Gmail history, Calendar sync token): the safety poll behind push notifications, which can be late or lost.",
    uses: ["integrations"],
    timeoutSeconds: 300,
  },
  integrationKeepAlive: {
    handler: jobs("integration-keep-alive"),
    schedule: "rate(1 day)",
    description:
      "Uses every active connection's grant (refreshing its token) so none idles out at the provider, and renews Gmail watches.",
    uses: ["integrations"],
    timeoutSeconds: 300,
  },
  importSweep: {
    handler: jobs("import-sweep"),
    schedule: "rate(5 minutes)",
    description:
      "Asks again for the next chunk of every import whose runner's lease ran out (a crashed or timed-out chunk, a lost continue event), which goes on from its stored cursor.",
  },
  filePurge: {
    handler: jobs("file-purge"),
    schedule: "rate(1 hour)",
    description:
      "Purges the files whose 30 days in the trash are over (deleted on their own, with their record or with their activity): item, links and bytes in one transaction, then the object.",
    // Up to a thousand files a run, each a read, a transaction and a DeleteObject; the rest wait for the next run.
    timeoutSeconds: 300,
    uses: ["files"],
  },
  customFieldCleanup: {
    handler: jobs("custom-field-cleanup"),
    schedule: "rate(5 minutes)",
    description:
      "Removes the values of deleted custom fields from the records (a bounded number of pages per field and run, resumed from a cursor), then deletes the fields and frees their keys.",
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, ScheduleDeclaration>;
