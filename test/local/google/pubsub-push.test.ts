import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeGoogle, startFakeGoogle } from "@crm/local/google";
import { JwtRsaVerifier } from "aws-jwt-verify";
import { JwtExpiredError } from "aws-jwt-verify/error";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect Google's JSON dynamically
type Json = Record<string, any>;

const client = {
  clientId: "crm-test.apps.googleusercontent.com",
  clientSecret: "fake-test-secret",
  redirectUris: ["http://127.0.0.1:9/oauth/google/callback"],
};
const owner = "pat@example.com";
const pushServiceAccount = "crm-gmail-push@crm-test.iam.gserviceaccount.com";
const topicName = "projects/crm-test/topics/gmail";

/** A local push receiver: records every request and answers with the queued statuses, then 204. */
async function startReceiver() {
  const received: { headers: IncomingHttpHeaders; body: Json }[] = [];
  const statuses: number[] = [];
  let hang = false;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      if (hang) return;
      response.writeHead(statuses.shift() ?? 204);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/gmail?tenant=t1`;
  return {
    url,
    received,
    answerNext: (...codes: number[]) => statuses.push(...codes),
    hangUp: () => {
      hang = true;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

let clock = Date.now();
let google: FakeGoogle;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let token: string;

beforeAll(async () => {
  receiver = await startReceiver();
  google = await startFakeGoogle({
    clients: [client],
    accounts: [{ email: owner, name: "Pat Push" }],
    now: () => clock,
    pushServiceAccount,
    pushEndpoints: [{ url: receiver.url }],
    gmail: { notificationIntervalMs: 0 },
    push: { retry: { maxAttempts: 4, minBackoffMs: 10, maxBackoffMs: 40 } },
  });
  token = google.oauth.issueTokens({
    email: owner,
    scopes: ["https://www.googleapis.com/auth/gmail.metadata"],
  }).access_token;
});
afterAll(async () => {
  await google.close();
  await receiver.close();
});
afterEach(() => {
  receiver.received.length = 0;
});

async function watch(body: Record<string, unknown> = { topicName }) {
  const response = await fetch(`${google.url}/gmail/v1/users/me/watch`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { historyId: string; expiration: string };
}

const addMessage = (subject: string, labelIds?: string[]) =>
  google.gmail.addMessage(owner, {
    from: "Ada Lovelace <ada.lovelace@globex.example>",
    to: owner,
    subject,
    ...(labelIds ? { labelIds } : {}),
  });

/** Verifies a push token as the production code will: aws-jwt-verify with the fake's JWKS (read over http). */
function pushVerifier(audience: string) {
  return JwtRsaVerifier.create(
    { issuer: "https://accounts.google.com", audience, jwksUri: google.jwksUrl },
    { jwksCache: new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() } }) },
  );
}

describe("Gmail push notifications through the fake Pub/Sub", () => {
  it("POSTs the push envelope with a Google-signed OIDC token when a watched mailbox gets a message", async () => {
    await watch();
    const added = addMessage("Pushed");
    await google.pubsub.idle();
    expect(receiver.received).toHaveLength(1);
    const [push] = receiver.received;
    const envelope = push?.body ?? {};
    expect(envelope.subscription).toMatch(/^projects\/[^/]+\/subscriptions\/[^/]+$/);
    expect(envelope.message).toMatchObject({ attributes: {} });
    expect(envelope.message.messageId).toMatch(/^\d+$/);
    expect(envelope.message.message_id).toBe(envelope.message.messageId);
    expect(envelope.message.publish_time).toBe(envelope.message.publishTime);
    expect(new Date(envelope.message.publishTime).toISOString()).toBe(envelope.message.publishTime);
    const data = JSON.parse(Buffer.from(envelope.message.data, "base64").toString("utf8"));
    expect(data).toEqual({ emailAddress: owner, historyId: Number(added.historyId) });
    expect(typeof data.historyId).toBe("number");

    const authorization = String(push?.headers.authorization);
    expect(authorization).toMatch(/^Bearer /);
    const claims = await pushVerifier(receiver.url).verify(authorization.slice("Bearer ".length));
    expect(claims).toMatchObject({
      iss: "https://accounts.google.com",
      aud: receiver.url,
      email: pushServiceAccount,
      email_verified: true,
      sub: expect.stringMatching(/^\d+$/),
      azp: expect.stringMatching(/^\d+$/),
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });

  it("uses the configured audience as the token's aud", async () => {
    const subscription = google.pubsub.pushTo({ url: receiver.url, audience: "https://crm.example/push" });
    try {
      addMessage("For two subscriptions");
      await google.pubsub.idle();
      const audiences = receiver.received.map(
        (push) =>
          JSON.parse(Buffer.from(String(push.headers.authorization).split(".")[1] ?? "", "base64url").toString()).aud,
      );
      expect(audiences.sort()).toEqual(["https://crm.example/push", receiver.url].sort());
      const pushed = receiver.received.find((push) => push.body.subscription === subscription.subscription);
      await expect(
        pushVerifier("https://crm.example/push").verify(String(pushed?.headers.authorization).slice(7)),
      ).resolves.toMatchObject({ aud: "https://crm.example/push" });
    } finally {
      subscription.remove();
    }
  });

  it("retries a receiver that answers 500 or 429, with the same message, until it acknowledges", async () => {
    receiver.answerNext(500, 429);
    addMessage("Retried");
    await google.pubsub.idle();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((push) => push.body.message.messageId)).size).toBe(1);
    const attempts = google.pubsub
      .deliveries()
      .filter((delivery) => delivery.messageId === receiver.received[0]?.body.message.messageId);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.acknowledged])).toEqual([
      [1, 500, false],
      [2, 429, false],
      [3, 204, true],
    ]);
  });

  it("gives up after a bounded number of attempts", async () => {
    receiver.answerNext(503, 503, 503, 503);
    addMessage("Never acknowledged");
    await google.pubsub.idle();
    expect(receiver.received).toHaveLength(4);
  });

  it("delivers a message twice when asked to, under the same messageId", async () => {
    google.pubsub.duplicateNextPush();
    addMessage("Duplicated");
    await google.pubsub.idle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]?.body).toEqual(receiver.received[1]?.body);
  });

  it("pushes only for the watch's labels", async () => {
    await watch({ topicName, labelIds: ["INBOX"], labelFilterBehavior: "include" });
    addMessage("Sent, not in the inbox", ["SENT"]);
    addMessage("In the inbox");
    await google.pubsub.idle();
    expect(receiver.received).toHaveLength(1);
    await watch();
  });

  it("stops pushing once the watch has expired, and again after it is renewed", async () => {
    const { expiration } = await watch();
    clock = Number(expiration) + 1;
    try {
      addMessage("After expiry");
      await google.pubsub.idle();
      expect(receiver.received).toHaveLength(0);
      token = google.oauth.issueTokens({
        email: owner,
        scopes: ["https://www.googleapis.com/auth/gmail.metadata"],
      }).access_token;
      await watch();
      addMessage("After renewal");
      await google.pubsub.idle();
      expect(receiver.received).toHaveLength(1);
    } finally {
      clock = Date.now();
      token = google.oauth.issueTokens({
        email: owner,
        scopes: ["https://www.googleapis.com/auth/gmail.metadata"],
      }).access_token;
      await watch();
    }
  });

  it("signs forged-claim tokens for tests, which the verifier refuses when expired", async () => {
    const expired = google.pubsub.signToken({
      exp: Math.floor(Date.now() / 1000) - 3600,
      iat: Math.floor(Date.now() / 1000) - 7200,
    });
    await expect(pushVerifier(receiver.url).verify(expired)).rejects.toBeInstanceOf(JwtExpiredError);
    const valid = google.pubsub.signToken();
    await expect(pushVerifier(receiver.url).verify(valid)).resolves.toMatchObject({ email: pushServiceAccount });
  });
});

describe("the push emitter's limits and lifecycle", () => {
  it("drops a notification that comes within a second of the previous one for the same user", async () => {
    const paced = await startFakeGoogle({
      clients: [client],
      accounts: [{ email: owner, name: "Pat Push" }],
      pushEndpoints: [{ url: receiver.url }],
    });
    try {
      const pacedToken = paced.oauth.issueTokens({
        email: owner,
        scopes: ["https://www.googleapis.com/auth/gmail.readonly"],
      }).access_token;
      await fetch(`${paced.url}/gmail/v1/users/me/watch`, {
        method: "POST",
        headers: { authorization: `Bearer ${pacedToken}`, "content-type": "application/json" },
        body: JSON.stringify({ topicName }),
      });
      paced.gmail.addMessage(owner, { from: "a@globex.example", to: owner, subject: "First" });
      paced.gmail.addMessage(owner, { from: "a@globex.example", to: owner, subject: "Second" });
      await paced.pubsub.idle();
      expect(paced.gmail.notifications().map((notification) => notification.dropped)).toEqual([false, true]);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await paced.close();
    }
  });

  it("close() cancels a delivery to a receiver that never answers", async () => {
    const silent = await startReceiver();
    silent.hangUp();
    const fake = await startFakeGoogle({
      clients: [client],
      accounts: [{ email: owner, name: "Pat Push" }],
      pushEndpoints: [{ url: silent.url }],
    });
    try {
      fake.pubsub.publish(topicName, { emailAddress: owner, historyId: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await fake.close();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(fake.pubsub.deliveries()[0]?.acknowledged).toBe(false);
    } finally {
      await silent.close();
    }
  });
});
