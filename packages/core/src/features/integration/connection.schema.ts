import { z } from "zod";
import { providerIds } from "../../declarations/integrations";
import { connectionIdParam } from "../../platform/path-parameters";
import { timestamp } from "../../platform/schema";
import { connectionStatuses } from "./connection.entity";

export { connectionIdParam, providerParam } from "../../platform/path-parameters";

export const syncStateSchema = z
  .object({
    resource: z.string().meta({ description: "What is synced, e.g. `gmail.messages`, `calendar.events`." }),
    cursor: z
      .string()
      .optional()
      .meta({ description: "Where the next run continues: Gmail's history id, Calendar's sync token (opaque)." }),
    lastSuccessAt: timestamp.optional(),
    lastAttemptAt: timestamp.optional(),
    lastError: z.string().optional(),
    consecutiveFailures: z.number().int(),
    itemsSynced: z.number().int().meta({ description: "Records created or updated by this sync so far." }),
    lagSeconds: z
      .number()
      .int()
      .optional()
      .meta({ description: "Seconds since the last successful run; absent before the first one." }),
    deferredUntil: timestamp
      .optional()
      .meta({ description: "The provider asked us to wait (rate limit) or is failing (breaker open) until then." }),
  })
  .meta({ id: "SyncState" });
export type SyncState = z.infer<typeof syncStateSchema>;

export const connectionSchema = z
  .object({
    id: connectionIdParam,
    provider: z.enum(providerIds),
    owner: z.discriminatedUnion("type", [
      z.object({ type: z.literal("member"), memberId: z.string() }),
      z.object({ type: z.literal("organisation") }),
    ]),
    account: z.object({
      id: z
        .string()
        .meta({ description: "The provider's id of the account (Google's user id, the QuickBooks realm)." }),
      name: z.string().meta({ description: "The mailbox address, or the accounting company's name." }),
    }),
    grantedScopes: z.array(z.string()),
    missingScopes: z
      .array(z.string())
      .meta({ description: "Scopes the integration needs that the account did not grant; reconnect to grant them." }),
    status: z.enum(connectionStatuses).meta({
      description:
        "`active`: syncing. `pending`: connected, but an admin must choose which of the account's organisations to sync (Xero). `needs_reauth`: the grant was revoked, expired or is missing scopes; reconnect. `disabled`: stopped.",
    }),
    statusReason: z.string().optional(),
    circuit: z.enum(["closed", "open", "half_open"]).meta({
      description:
        "The provider calls' circuit breaker: `open` after repeated failures (calls wait a minute), then one trial call (`half_open`).",
    }),
    sync: z.array(syncStateSchema),
    settings: z
      .object({
        importUnmatchedCustomers: z.boolean().meta({
          description:
            "Accounting customers that match no company by domain or name are created as companies (else left alone).",
        }),
      })
      .optional()
      .meta({ description: "What the connection does, for the organisation's books (QuickBooks Online, Xero)." }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Connection" });
export type Connection = z.infer<typeof connectionSchema>;

export const authorizationSchema = z
  .object({
    authorizationUrl: z.url().meta({ description: "Send the user's browser here to grant access." }),
    expiresAt: timestamp.meta({ description: "The authorization must be completed before this time." }),
  })
  .meta({ id: "IntegrationAuthorization" });
export type Authorization = z.infer<typeof authorizationSchema>;

export const callbackQuery = z.object({
  state: z.string().max(2048).optional(),
  code: z.string().max(4096).optional(),
  scope: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  realmId: z
    .string()
    .regex(/^\d{1,32}$/)
    .optional()
    .meta({ description: "QuickBooks: the company connected.", example: "9130357992221046" }),
  error_description: z.string().max(1024).optional(),
});
export type CallbackQuery = z.infer<typeof callbackQuery>;

export const integrationLogEntrySchema = z
  .object({
    id: z.string(),
    direction: z.enum(["outgoing", "incoming"]),
    operation: z.string(),
    status: z.number().int().meta({ description: "HTTP status; 0 when no answer came." }),
    latencyMs: z.number().int(),
    attempt: z.number().int(),
    providerRequestId: z.string().optional(),
    errorClass: z.string().optional(),
    at: timestamp,
  })
  .meta({ id: "IntegrationLogEntry" });
export type IntegrationLogEntry = z.infer<typeof integrationLogEntrySchema>;

export const updateConnectionInput = z
  .strictObject({
    importUnmatchedCustomers: z.boolean().meta({
      description: "Books only: create a company for each accounting customer that matches none (from the next sync).",
    }),
  })
  .meta({ id: "UpdateConnectionInput" });
export type UpdateConnectionInput = z.infer<typeof updateConnectionInput>;
