import { setTimeout as sleep } from "node:timers/promises";
import { googleSubjectFor } from "./oauth";

/** A push subscription: where Pub/Sub POSTs, and the audience of its OIDC token (default: the URL itself). */
export type PushEndpoint = {
  url: string;
  audience?: string;
  /** Only messages of this topic (`projects/P/topics/T`); default: every topic. */
  topic?: string;
  /** The subscription's full name; default `projects/<project>/subscriptions/push-<n>`. */
  subscription?: string;
};

/** The JSON body of a Pub/Sub push request (unwrapped payloads off), as Google sends it. */
export type PushEnvelope = {
  message: {
    data: string;
    messageId: string;
    message_id: string;
    publishTime: string;
    publish_time: string;
    attributes: Record<string, string>;
  };
  subscription: string;
};

/** One delivery attempt. `status` is the receiver's HTTP status; `error` says why there was none. */
export type PushAttempt = {
  subscription: string;
  url: string;
  messageId: string;
  attempt: number;
  /** True for 102, 200, 201, 202 and 204, the statuses Pub/Sub takes as an acknowledgement. */
  acknowledged: boolean;
  status?: number;
  error?: string;
  envelope: PushEnvelope;
  token: string;
  /** Whether this attempt belongs to a duplicate delivery of the message. */
  duplicate: boolean;
};

export type FakePubSubOptions = {
  /** Signs the OIDC token's claims (the fake's Google key, so the JWKS verifies it). */
  sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => string;
  /** The fake's clock, for publishTime, iat and exp. */
  now: () => number;
  /** The token's `iss`; default "https://accounts.google.com". */
  issuer?: string;
  /** The push subscription's service account: the token's `email`. */
  pushServiceAccount?: string;
  /** The project the default subscription names live in. */
  project?: string;
  /** Attempts per message and the exponential backoff between them (bounded, unlike Pub/Sub's 7-day retention). */
  retry?: { maxAttempts?: number; minBackoffMs?: number; maxBackoffMs?: number };
  /** How long a receiver may take before the attempt counts as failed (Pub/Sub's ack deadline, default 10 s). */
  ackDeadlineMs?: number;
};

/** Test and demo controls of the push emitter. */
export type FakePubSubControls = {
  /** Adds a push subscription; returns its name and a way to remove it. */
  pushTo(endpoint: PushEndpoint): { subscription: string; remove(): void };
  /** Every delivery attempt so far, oldest first. */
  deliveries(): PushAttempt[];
  /** The next published message is delivered twice (Pub/Sub delivers at least once). */
  duplicateNextPush(): void;
  /**
   * Signs a push-style OIDC token with claim (and header) overrides, e.g. an expired or foreign-audience one.
   * Defaults: the first subscription's audience, the configured service account, one hour of validity.
   */
  signToken(overrides?: Record<string, unknown>, header?: Record<string, unknown>): string;
  /** Publishes to a topic; every matching subscription gets a push. Returns the message id. */
  publish(topicName: string, data: unknown, attributes?: Record<string, string>): string;
  /** Resolves once every delivery started so far, retries included, has finished. */
  idle(): Promise<void>;
};

export type FakePubSub = {
  controls: FakePubSubControls;
  /** Stops emitting: pending retries are cancelled, in-flight requests aborted, and the promise waits for them. */
  stop(): Promise<void>;
};

export const defaultPushServiceAccount = "gmail-push@fake-google-project.iam.gserviceaccount.com";

const acknowledging = new Set([102, 200, 201, 202, 204]);

type Subscription = { name: string; url: string; audience: string; topic: string | undefined };

/** A Cloud Pub/Sub push emitter: the real push envelope, a Google-signed OIDC token, retries with backoff. */
export function createFakePubSub(options: FakePubSubOptions): FakePubSub {
  const issuer = options.issuer ?? "https://accounts.google.com";
  const serviceAccount = options.pushServiceAccount ?? defaultPushServiceAccount;
  const serviceAccountId = googleSubjectFor(serviceAccount);
  const project = options.project ?? "fake-google-project";
  const maxAttempts = options.retry?.maxAttempts ?? 5;
  const minBackoffMs = options.retry?.minBackoffMs ?? 100;
  const maxBackoffMs = options.retry?.maxBackoffMs ?? 5_000;
  const ackDeadlineMs = options.ackDeadlineMs ?? 10_000;
  const subscriptions: Subscription[] = [];
  const attempts: PushAttempt[] = [];
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();
  let duplicates = 0;
  let subscriptionCount = 0;
  // Pub/Sub message ids are decimal numbers around 16 digits.
  let nextMessageId = 2_070_443_601_311_540 + Math.floor(Math.random() * 1_000_000);

  const tokenFor = (audience: string, overrides: Record<string, unknown> = {}, header?: Record<string, unknown>) => {
    const issuedAt = Math.floor(options.now() / 1000);
    return options.sign(
      {
        aud: audience,
        azp: serviceAccountId,
        email: serviceAccount,
        email_verified: true,
        exp: issuedAt + 3600,
        iat: issuedAt,
        iss: issuer,
        sub: serviceAccountId,
        ...overrides,
      },
      header,
    );
  };

  const attemptOnce = async (
    subscription: Subscription,
    envelope: PushEnvelope,
    attempt: number,
    duplicate: boolean,
  ) => {
    const token = tokenFor(subscription.audience);
    const record: PushAttempt = {
      subscription: subscription.name,
      url: subscription.url,
      messageId: envelope.message.messageId,
      attempt,
      acknowledged: false,
      envelope,
      token,
      duplicate,
    };
    attempts.push(record);
    try {
      const response = await fetch(subscription.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "user-agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
          from: "noreply@google.com",
        },
        body: JSON.stringify(envelope),
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(ackDeadlineMs)]),
      });
      // The body is not read by Pub/Sub; drain it so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      record.status = response.status;
      record.acknowledged = acknowledging.has(response.status);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    return record.acknowledged;
  };

  const deliver = async (subscription: Subscription, envelope: PushEnvelope, duplicate: boolean) => {
    for (let attempt = 1; attempt <= maxAttempts && !stopping.signal.aborted; attempt += 1) {
      if (await attemptOnce(subscription, envelope, attempt, duplicate)) return true;
      if (attempt === maxAttempts) break;
      const backoff = Math.min(maxBackoffMs, minBackoffMs * 2 ** (attempt - 1));
      try {
        await sleep(backoff, undefined, { signal: stopping.signal });
      } catch {
        return false;
      }
    }
    return false;
  };

  const track = (work: Promise<unknown>) => {
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };

  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const controls: FakePubSubControls = {
    pushTo: (endpoint) => {
      subscriptionCount += 1;
      const subscription: Subscription = {
        name: endpoint.subscription ?? `projects/${project}/subscriptions/push-${subscriptionCount}`,
        url: endpoint.url,
        audience: endpoint.audience ?? endpoint.url,
        topic: endpoint.topic,
      };
      subscriptions.push(subscription);
      return {
        subscription: subscription.name,
        remove: () => {
          const index = subscriptions.indexOf(subscription);
          if (index >= 0) subscriptions.splice(index, 1);
        },
      };
    },
    deliveries: () => attempts.map((attempt) => ({ ...attempt })),
    duplicateNextPush: () => {
      duplicates += 1;
    },
    signToken: (overrides = {}, header) => {
      const first = subscriptions[0];
      return tokenFor(first?.audience ?? "", overrides, header);
    },
    publish: (topicName, data, attributes = {}) => {
      nextMessageId += 1 + Math.floor(Math.random() * 1000);
      const messageId = String(nextMessageId);
      if (stopping.signal.aborted) return messageId;
      const publishTime = new Date(options.now()).toISOString();
      const duplicate = duplicates > 0;
      if (duplicate) duplicates -= 1;
      for (const subscription of subscriptions) {
        if (subscription.topic !== undefined && subscription.topic !== topicName) continue;
        const envelope: PushEnvelope = {
          message: {
            data: Buffer.from(JSON.stringify(data)).toString("base64"),
            messageId,
            message_id: messageId,
            publishTime,
            publish_time: publishTime,
            attributes: { ...attributes },
          },
          subscription: subscription.name,
        };
        track(
          (async () => {
            await deliver(subscription, envelope, false);
            // The copy comes after the first delivery, as a redelivery would.
            if (duplicate) await deliver(subscription, envelope, true);
          })(),
        );
      }
      return messageId;
    },
    idle,
  };

  return {
    controls,
    stop: async () => {
      stopping.abort();
      await idle();
    },
  };
}
