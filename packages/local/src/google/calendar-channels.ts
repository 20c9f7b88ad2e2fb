import { setTimeout as sleep } from "node:timers/promises";

/** One watch channel on an account's events, as `events.watch` created it. */
export type WatchChannel = {
  id: string;
  resourceId: string;
  resourceUri: string;
  /** The account whose primary calendar the channel watches. */
  calendarEmail: string;
  /** The OAuth client that created it: channel ids are unique per project, and only it may stop the channel. */
  clientId: string;
  address: string;
  token?: string;
  /** Epoch milliseconds. */
  expiration: number;
  /** How many notifications were numbered on this channel so far. */
  messageCount: number;
};

export type ResourceState = "sync" | "exists";

/** One notification after its last delivery attempt, for assertions. */
export type SentNotification = {
  channelId: string;
  messageNumber: number;
  resourceState: ResourceState;
  address: string;
  headers: Record<string, string>;
  attempts: number;
  delivered: boolean;
  /** The receiver's last HTTP status, when it answered at all. */
  status?: number;
  /** Why the last attempt failed without an HTTP answer (refused connection, timeout, closed fake). */
  error?: string;
};

export type ChannelRegistryOptions = {
  fetch: typeof fetch;
  now: () => number;
  /** Waits before the 2nd, 3rd, … attempt; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** How long one attempt may take before it counts as failed. */
  attemptTimeoutMs: number;
};

export type ChannelRegistry = ReturnType<typeof createChannelRegistry>;

// Google's push guide: these answers get a retry with backoff; any other non-success is a failed message.
const retriedStatuses = new Set([500, 502, 503, 504]);

/** Watch channels and the delivery of their notifications: numbered per channel, sent in order, retried. */
export function createChannelRegistry(options: ChannelRegistryOptions) {
  const channels = new Map<string, WatchChannel & { stopped: boolean; queue: Promise<void> }>();
  const sent: SentNotification[] = [];
  const inFlight = new Set<Promise<void>>();
  const closing = new AbortController();

  const key = (clientId: string, channelId: string) => `${clientId}\n${channelId}`;
  const isActive = (channel: { stopped: boolean; expiration: number }) =>
    !channel.stopped && channel.expiration > options.now();

  function headersFor(channel: WatchChannel, messageNumber: number, state: ResourceState): Record<string, string> {
    return {
      "X-Goog-Channel-ID": channel.id,
      "X-Goog-Channel-Expiration": new Date(channel.expiration).toUTCString(),
      "X-Goog-Message-Number": String(messageNumber),
      "X-Goog-Resource-ID": channel.resourceId,
      "X-Goog-Resource-State": state,
      "X-Goog-Resource-URI": channel.resourceUri,
      ...(channel.token === undefined ? {} : { "X-Goog-Channel-Token": channel.token }),
      "User-Agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
    };
  }

  async function deliver(channel: WatchChannel & { stopped: boolean }, record: SentNotification): Promise<void> {
    for (let attempt = 0; attempt <= options.retryDelaysMs.length; attempt++) {
      if (attempt > 0) {
        try {
          await sleep(options.retryDelaysMs[attempt - 1], undefined, { signal: closing.signal });
        } catch {
          record.error = "the fake was closed before the retry";
          return;
        }
      }
      // A stopped or expired channel delivers nothing more, retries included.
      if (!isActive(channel) || closing.signal.aborted) return;
      record.attempts = attempt + 1;
      try {
        const response = await options.fetch(channel.address, {
          method: "POST",
          headers: record.headers,
          signal: AbortSignal.any([closing.signal, AbortSignal.timeout(options.attemptTimeoutMs)]),
        });
        await response.arrayBuffer().catch(() => undefined);
        record.status = response.status;
        delete record.error;
        if (response.ok) {
          record.delivered = true;
          return;
        }
        if (!retriedStatuses.has(response.status)) return;
      } catch (error) {
        delete record.status;
        record.error = error instanceof Error ? error.message : String(error);
      }
    }
  }

  function enqueue(channel: WatchChannel & { stopped: boolean; queue: Promise<void> }, state: ResourceState): void {
    channel.messageCount += 1;
    const record: SentNotification = {
      channelId: channel.id,
      messageNumber: channel.messageCount,
      resourceState: state,
      address: channel.address,
      headers: headersFor(channel, channel.messageCount, state),
      attempts: 0,
      delivered: false,
    };
    // One queue per channel keeps message n+1 behind message n, retries included.
    const delivery = channel.queue.then(() => deliver(channel, record)).finally(() => sent.push(record));
    channel.queue = delivery.catch(() => undefined);
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery)).catch(() => undefined);
  }

  return {
    /** The active channel with this id for this client, if any. */
    find(clientId: string, channelId: string): WatchChannel | undefined {
      const channel = channels.get(key(clientId, channelId));
      return channel && isActive(channel) ? channel : undefined;
    },

    /** Registers a channel and queues its `sync` message. */
    open(channel: Omit<WatchChannel, "messageCount">): WatchChannel {
      const stored = { ...channel, messageCount: 0, stopped: false, queue: Promise.resolve() };
      channels.set(key(channel.clientId, channel.id), stored);
      enqueue(stored, "sync");
      return stored;
    },

    /** Stops an active channel; false when no active channel has this id and resource id for this client. */
    stop(clientId: string, channelId: string, resourceId: string): boolean {
      const channel = channels.get(key(clientId, channelId));
      if (!channel || !isActive(channel) || channel.resourceId !== resourceId) return false;
      channel.stopped = true;
      return true;
    },

    /** Queues an `exists` message on every active channel of this calendar. */
    changed(calendarEmail: string): void {
      for (const channel of channels.values()) {
        if (channel.calendarEmail === calendarEmail && isActive(channel)) enqueue(channel, "exists");
      }
    },

    active(): WatchChannel[] {
      return [...channels.values()]
        .filter(isActive)
        .map(({ stopped: _stopped, queue: _queue, ...channel }) => ({ ...channel }));
    },

    sent(): SentNotification[] {
      return sent.map((record) => ({ ...record, headers: { ...record.headers } }));
    },

    /** Resolves when every queued notification has been delivered or given up. */
    async settled(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    /** Cancels waiting retries and in-flight attempts, then waits for them to end. */
    async close(): Promise<void> {
      closing.abort();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
