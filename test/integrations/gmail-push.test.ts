import { busSubscriptions } from "@crm/core/declarations";
import { syncGmail } from "@crm/core/integration";
import { startHttpGateway } from "@crm/local/gateway";
import { type FakeGoogle, startFakeGoogle } from "@crm/local/google";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact } from "../support/builders";
import { startEventPipeline } from "../support/event-pipeline";
import { eventually } from "../support/eventually";
import {
  connectGoogle,
  fakeGoogleClients,
  linkGoogle,
  storedConnection,
  testPushServiceAccount,
} from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const seller = "pushed-seller@example.test";

let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
let google: FakeGoogle;
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
let pushUrl: string;

// Pushes come over real HTTP: the fake's Pub/Sub emitter posts to the local gateway, which runs the real handler;
// the sync request it puts on the local bus runs the real subscriber.
beforeAll(async () => {
  gateway = await startHttpGateway({ port: 0 });
  const publicApiUrl = `${gateway.url}/`;
  pushUrl = `${gateway.url}/v1/integrations/google-gmail/push`;
  google = await startFakeGoogle({
    clients: fakeGoogleClients([`${publicApiUrl}v1/integrations/google-gmail/callback`]),
    accounts: [{ email: seller, name: "Pat Pushed" }],
    seedMailboxes: false,
    seedCalendars: false,
    pushServiceAccount: testPushServiceAccount,
    gmail: { notificationIntervalMs: 0 },
    push: { retry: { maxAttempts: 3, minBackoffMs: 50, maxBackoffMs: 200 } },
  });
  linkGoogle(google.url, publicApiUrl);
  pipeline = await startEventPipeline({ integrationSync: busSubscriptions.integrationSync });
  google.pubsub.pushTo({ url: pushUrl, topic: "projects/crm-test/topics/gmail" });
});
afterAll(async () => {
  await google?.close();
  await pipeline?.stop();
  await gateway?.close();
});

async function emailSubjects(org: TestOrganisation, contactId: string) {
  const timeline = await invoke("contacts.timeline", {
    token: org.admin.token,
    params: { orgId: org.orgId, contactId },
  });
  return (timeline.body.data as { activity?: { type: string; subject: string } }[])
    .filter((entry) => entry.activity?.type === "email")
    .map((entry) => entry.activity?.subject);
}

async function aWatchedMailbox() {
  const org = await anOrganisation();
  const client = await aContact(org, { emails: [`client-${org.orgId}@customer.example`] });
  const connection = await connectGoogle(google, org, org.admin, { email: seller });
  expect(await syncGmail(await storedConnection(org, connection.id))).toBe("synced");
  expect(google.gmail.watches()).toEqual([expect.objectContaining({ email: seller })]);
  return { org, client, clientEmail: client.emails[0] as string, connectionId: connection.id };
}

const post = (authorization: string | undefined, body: unknown) =>
  fetch(pushUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });

const envelope = (data: unknown) => ({
  message: {
    data: Buffer.from(JSON.stringify(data)).toString("base64"),
    messageId: "1",
    publishTime: new Date().toISOString(),
  },
  subscription: "projects/crm-test/subscriptions/gmail-push",
});

describe("Gmail push notifications", () => {
  it("a new message in a watched mailbox reaches the contact's timeline through Pub/Sub, without a scheduled run", async () => {
    const { org, client, clientEmail, connectionId } = await aWatchedMailbox();
    google.gmail.addMessage(seller, { from: clientEmail, to: seller, subject: "Pushed to you" });
    await eventually(async () => expect(await emailSubjects(org, client.id)).toEqual(["Pushed to you"]));
    const log = await invoke("integrations.logs", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(log.body.data).toContainEqual(expect.objectContaining({ direction: "incoming", operation: "gmail.push" }));
  }, 60_000); // a chain over HTTP and the bus: generous under a shared machine's load

  it("a duplicated push makes one activity", async () => {
    const { org, client, clientEmail } = await aWatchedMailbox();
    google.pubsub.duplicateNextPush();
    google.gmail.addMessage(seller, { from: clientEmail, to: seller, subject: "Said twice" });
    await eventually(async () => expect(await emailSubjects(org, client.id)).toEqual(["Said twice"]));
    await google.pubsub.idle();
    await pipeline.settle();
    expect(await emailSubjects(org, client.id)).toEqual(["Said twice"]);
  }, 60_000); // a chain over HTTP and the bus: generous under a shared machine's load

  it("accepts the history id as a number and as a string", async () => {
    for (const historyId of [4242, "4242"]) {
      const response = await post(
        `Bearer ${google.pubsub.signToken({ aud: pushUrl })}`,
        envelope({ emailAddress: seller, historyId }),
      );
      expect(response.status).toBe(200);
    }
  });

  it("refuses a push without a token, or with a forged, expired or foreign one, before reading it", async () => {
    const body = envelope({ emailAddress: seller, historyId: 1 });
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      undefined,
      "Bearer not.a.jwt",
      `Bearer ${google.pubsub.signToken({ aud: pushUrl, email: "intruder@evil.example" })}`,
      `Bearer ${google.pubsub.signToken({ aud: pushUrl, email_verified: false })}`,
      `Bearer ${google.pubsub.signToken({ aud: "https://someone-else.example/push" })}`,
      `Bearer ${google.pubsub.signToken({ aud: pushUrl, iss: "https://evil.example" })}`,
      `Bearer ${google.pubsub.signToken({ aud: pushUrl, iat: now - 7200, exp: now - 3600 })}`,
    ];
    for (const authorization of refused) {
      const response = await post(authorization, body);
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    const tampered = google.pubsub.signToken({ aud: pushUrl }).split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(tampered[1] as string, "base64url").toString()),
        email: "x@y.example",
      }),
    ).toString("base64url");
    expect((await post(`Bearer ${tampered[0]}.${forgedPayload}.${tampered[2]}`, body)).status).toBe(401);
  });
});
