import { z } from "zod";
import { googleConfig } from "../../platform/config/integrations.config";
import type { ConnectionKeys } from "./integration-log";
import { bearerJsonRequest, callProvider } from "./provider-calls";

/**
 * The few Gmail endpoints the sync needs, over fetch through the resilient call path. Not `@googleapis/gmail`: its
 * transport retries on its own (multiplying ours), brings its own token handling (ours is the vault and the lease)
 * and several megabytes into a bundle that needs six URLs.
 */

/** Gmail says the history id is too old or unknown: only a full sync can find the position again. */
export class StaleHistoryError extends Error {
  override readonly name = "StaleHistoryError";
}

/** Gmail answered something other than what the sync can work with (not a transient failure). */
export class GmailResponseError extends Error {
  override readonly name = "GmailResponseError";
}

const historyId = z.union([z.string(), z.number()]).transform(String);

const profileSchema = z.object({ emailAddress: z.string(), historyId });
const messageListSchema = z.object({
  messages: z.array(z.object({ id: z.string() })).optional(),
  nextPageToken: z.string().optional(),
});
const messageSchema = z.object({
  id: z.string(),
  threadId: z.string().optional(),
  internalDate: z.string().optional(),
  labelIds: z.array(z.string()).optional(),
  payload: z.object({ headers: z.array(z.object({ name: z.string(), value: z.string() })).optional() }).optional(),
});
const historySchema = z.object({
  history: z
    .array(
      z.object({
        id: historyId,
        messagesAdded: z.array(z.object({ message: z.object({ id: z.string() }) })).optional(),
      }),
    )
    .optional(),
  nextPageToken: z.string().optional(),
  historyId,
});
const watchSchema = z.object({ historyId, expiration: z.union([z.string(), z.number()]).transform(Number) });

export type GmailMessage = z.infer<typeof messageSchema>;

/** The headers a timeline needs; nothing else is asked for (the scope allows no more anyway). */
const metadataHeaders = ["From", "To", "Cc", "Subject", "Date", "Message-ID"];

type Connection = { keys: ConnectionKeys };

function gmailUrl(path: string, query: Record<string, string | string[] | undefined> = {}): string {
  const url = new URL(`gmail/v1/users/me/${path}`, `${googleConfig().gmailBaseUrl.replace(/\/?$/, "/")}`);
  for (const [name, value] of Object.entries(query)) {
    for (const each of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      url.searchParams.append(name, each);
    }
  }
  return url.href;
}

async function gmail<S extends z.ZodType>(
  connection: Connection,
  operation: string,
  schema: S,
  url: string,
  init: { method?: string; body?: unknown } = {},
): Promise<z.output<S> | { status: 404 }> {
  const response = await callProvider({
    provider: "google-gmail",
    keys: connection.keys,
    operation,
    send: (token, signal) => bearerJsonRequest(url, token, signal, init),
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return { status: 404 };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new GmailResponseError(`${operation}: Gmail answered ${response.status}.`);
  }
  if (response.status === 204) return schema.parse({});
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new GmailResponseError(`${operation}: Gmail's answer has an unexpected shape.`);
  return parsed.data;
}

const found = <T>(result: T | { status: 404 }, what: string): T => {
  if (result && typeof result === "object" && "status" in result && result.status === 404) {
    throw new GmailResponseError(`${what}: Gmail answered 404.`);
  }
  return result as T;
};

/** The mailbox's address and current history id: where an initial sync's incremental successor starts. */
export async function gmailProfile(connection: Connection) {
  return found(await gmail(connection, "gmail.profile", profileSchema, gmailUrl("profile")), "gmail.profile");
}

/** One page of message ids, newest first. */
export async function listGmailMessages(connection: Connection, pageToken?: string) {
  return found(
    await gmail(
      connection,
      "gmail.messages.list",
      messageListSchema,
      gmailUrl("messages", { maxResults: "100", pageToken, includeSpamTrash: "false" }),
    ),
    "gmail.messages.list",
  );
}

/** A message's headers and date; undefined when it is gone (deleted since it was listed). */
export async function gmailMessage(connection: Connection, id: string): Promise<GmailMessage | undefined> {
  const result = await gmail(
    connection,
    "gmail.messages.get",
    messageSchema,
    gmailUrl(`messages/${encodeURIComponent(id)}`, { format: "metadata", metadataHeaders }),
  );
  return "status" in result && result.status === 404 ? undefined : (result as GmailMessage);
}

/** One page of the mailbox's changes since `startHistoryId`; StaleHistoryError when Gmail no longer has them. */
export async function gmailHistory(connection: Connection, startHistoryId: string, pageToken?: string) {
  const result = await gmail(
    connection,
    "gmail.history.list",
    historySchema,
    gmailUrl("history", { startHistoryId, historyTypes: "messageAdded", maxResults: "500", pageToken }),
  );
  if ("status" in result && result.status === 404) {
    throw new StaleHistoryError(`History from ${startHistoryId} is no longer available.`);
  }
  return result as z.output<typeof historySchema>;
}

/** Asks Gmail to publish the mailbox's changes to the Pub/Sub topic (renewed daily; it lasts 7 days). */
export async function watchGmail(connection: Connection) {
  return found(
    await gmail(connection, "gmail.watch", watchSchema, gmailUrl("watch"), {
      method: "POST",
      body: { topicName: googleConfig().pubsubTopic, labelIds: ["INBOX", "SENT"], labelFilterBehavior: "include" },
    }),
    "gmail.watch",
  );
}

/** Stops the mailbox's push notifications. */
export async function stopGmailWatch(connection: Connection): Promise<void> {
  await gmail(connection, "gmail.stop", z.unknown(), gmailUrl("stop"), { method: "POST", body: {} });
}
