import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { busName, domainEventSource, tableStreamSubscription } from "@crm/core/declarations";
import { domainEventSchema } from "@crm/core/events";
import { localAwsClientConfig } from "@crm/local/dynamodb";
import {
  type EventBridgeEnvelope,
  type LocalBus,
  type LocalQueue,
  type StreamReader,
  startLocalBus,
  startStreamReader,
} from "@crm/local/events";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact, aDeal, anActivity } from "../support/builders";
import { eventually, startDomainEventFailureQueue } from "../support/event-pipeline";
import { anOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

const testBusName = "crm-test-bus";
const received: EventBridgeEnvelope[] = [];
let bus: LocalBus;
let reader: StreamReader;
let failureQueue: LocalQueue;

const eventsOf = (orgId: string) =>
  received
    .filter((event) => (event.detail as { orgId: string }).orgId === orgId)
    .map((event) => event.detail as { type: string; id: string; record: { id: string } });

beforeAll(async () => {
  bus = await startLocalBus({
    busName: testBusName,
    subscriptions: {
      recorder: { handler: "recorder", pattern: { source: [domainEventSource] }, description: "records every event" },
    },
    loadHandler: async () => async (event) => {
      received.push(event);
    },
  });
  // Before any handler reads the configuration: the stream subscriber publishes to this bus.
  process.env[`SST_RESOURCE_${busName}`] = JSON.stringify({ name: testBusName });
  process.env.EVENTBRIDGE_ENDPOINT = bus.endpoint;
  failureQueue = await startDomainEventFailureQueue();
  reader = await startStreamReader({
    dynamodbEndpoint: inject("dynamodbEndpoint"),
    tableName: inject("tableName"),
    subscription: tableStreamSubscription,
    failureQueueUrl: failureQueue.url,
  });
});

afterAll(async () => {
  await reader?.stop();
  await bus?.close();
  await failureQueue?.close();
});

/** Long enough for the stream and the bus; far shorter than the retries a held-up shard would wait through. */
const promptly = 5_000;

describe("domain events", () => {
  it("every committed change publishes exactly one versioned event, in order, with its field changes", async () => {
    const org = await anOrganisation();
    const { stage } = await defaultPipelineOf(org);
    const params = { orgId: org.orgId };
    const contact = await aContact(org, { firstName: "Ada" });
    await invoke("contacts.update", {
      token: org.admin.token,
      params: { ...params, contactId: contact.id },
      body: { title: "Countess" },
    });
    const deal = await aDeal(org, { contactIds: [contact.id] });
    await invoke("deals.moveStage", {
      token: org.admin.token,
      params: { ...params, dealId: deal.id },
      body: { stageId: stage("Proposal").id },
    });
    const task = await anActivity(org, { type: "task", subject: "Send the proposal", dealIds: [deal.id] });
    await invoke("activities.update", {
      token: org.admin.token,
      params: { ...params, activityId: task.id },
      body: { done: true },
    });
    const refused = await invoke("contacts.create", { token: org.admin.token, params, body: { nope: true } });
    expect(refused.status).toBe(400);

    const expected = [
      "member.created",
      "contact.created",
      "contact.updated",
      "deal.created",
      "deal.stage_changed",
      "activity.created",
      "task.completed",
    ];
    const events = await eventually(() => {
      const mine = eventsOf(org.orgId);
      expect(mine.map((event) => event.type)).toEqual(expected);
      return mine;
    });
    for (const event of events) domainEventSchema.parse(event);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    const updated = events.find((event) => event.type === "contact.updated") as unknown as {
      changes: unknown[];
      actor: { memberId: string };
    };
    expect(updated.changes).toEqual([{ field: "title", before: null, after: "Countess" }]);
    expect(updated.actor.memberId).toBe(org.admin.memberId);
    const envelope = received.find((event) => (event.detail as { id: string }).id === events[1]?.id);
    expect(envelope).toMatchObject({ version: "0", source: domainEventSource, "detail-type": "contact.created" });
  });

  it("a company with an empty address publishes its event (DynamoDB Local's stream renders the empty map untyped)", async () => {
    const org = await anOrganisation();
    const params = { orgId: org.orgId };
    const company = await invoke("companies.create", {
      token: org.admin.token,
      params,
      body: { name: "Addr", address: {} },
    });
    expect(company.status).toBe(201);
    await eventually(
      () => expect(eventsOf(org.orgId).filter((event) => event.record.id === company.body.id)).toHaveLength(1),
      promptly,
    );
    expect(reader.failures()).toEqual([]);
  });

  it("a stream record that can never become an event goes to the failure queue with its reason and holds up no other", async () => {
    const org = await anOrganisation();
    const before = await aContact(org, { firstName: "Before" });
    // An audit entry no code of ours writes: its time a number, and none of the fields an event needs.
    const dynamodb = new DynamoDBClient(localAwsClientConfig(inject("dynamodbEndpoint")));
    const poisonKey = { pk: { S: `$crm#org_${org.orgId}#poison` }, sk: { S: "$audit#poison" } };
    try {
      await dynamodb.send(
        new PutItemCommand({
          TableName: inject("tableName"),
          Item: { ...poisonKey, __edb_e__: { S: "auditEntry" }, __edb_v__: { S: "1" }, at: { N: "1".repeat(30) } },
        }),
      );
    } finally {
      dynamodb.destroy();
    }
    const after = await aContact(org, { firstName: "After" });

    await eventually(() => {
      const recordIds = eventsOf(org.orgId).map((event) => event.record.id);
      expect(recordIds).toContain(before.id);
      expect(recordIds).toContain(after.id);
    }, promptly);
    const kept = await eventually(() => {
      const message = failureQueue
        .messages()
        .map((queued) => JSON.parse(queued.body))
        .find((body) => body.keys?.pk?.S === poisonKey.pk.S);
      expect(message).toBeDefined();
      return message;
    }, promptly);
    expect(kept).toMatchObject({ kind: "undecodable-stream-record", sequenceNumber: expect.any(String) });
    expect(kept.reason).toMatch(/occurredAt/);
    expect(reader.failures()).toEqual([]);
  });

  it("are lost by no crash: a stream worker killed between the write and the publish is replaced and publishes it", async () => {
    const checkpointFile = join(mkdtempSync(join(tmpdir(), "crm-stream-")), "checkpoint.json");
    // A bus that takes PutEvents and never answers: the worker is caught between reading the write and publishing it.
    const seen: string[] = [];
    const blackHole: Server = createServer((request) => {
      request.on("data", (chunk: Buffer) => seen.push(chunk.toString()));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const blackHoleUrl = `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}`;
    const worker = (endpoint: string) =>
      spawnWorker({ ...process.env, EVENTBRIDGE_ENDPOINT: endpoint, STREAM_CHECKPOINT_FILE: checkpointFile });

    const org = await anOrganisation();
    const first = await worker(blackHoleUrl);
    let second: ChildProcess | undefined;
    try {
      const contact = await invoke("contacts.create", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body: { firstName: "Survivor" },
      });
      expect(contact.status).toBe(201);
      await eventually(() => expect(seen.join("")).toContain(contact.body.id));
      first.kill("SIGKILL");

      second = await worker(bus.endpoint);
      await eventually(() =>
        expect(
          eventsOf(org.orgId)
            .filter((event) => event.record.id === contact.body.id)
            .map((event) => event.type),
        ).toContain("contact.created"),
      );
    } finally {
      first.kill("SIGKILL");
      second?.kill("SIGTERM");
      blackHole.closeAllConnections();
      blackHole.close();
    }
  });
});

describe("the local bus", () => {
  it("retries a failing subscriber with backoff and keeps what still fails in a dead-letter list", async () => {
    let calls = 0;
    const flaky = await startLocalBus({
      busName: "flaky",
      retry: { attempts: 3, baseDelayMs: 10 },
      subscriptions: {
        recovers: { handler: "recovers", pattern: { detailType: ["ping"] }, description: "fails twice" },
        broken: { handler: "broken", pattern: { source: ["test"] }, description: "always fails" },
      },
      loadHandler: async (handler) => async () => {
        if (handler === "broken") throw new Error("subscriber down");
        calls++;
        if (calls < 3) throw new Error("not yet");
      },
    });
    try {
      const response = await fetch(flaky.endpoint, {
        method: "POST",
        headers: { "x-amz-target": "AWSEvents.PutEvents", "content-type": "application/x-amz-json-1.1" },
        body: JSON.stringify({
          Entries: [{ EventBusName: "flaky", Source: "test", DetailType: "ping", Detail: "{}" }],
        }),
      });
      expect(await response.json()).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
      await flaky.idle();
      expect(calls).toBe(3);
      const deadLetters = await (await fetch(`${flaky.endpoint}/dead-letters`)).json();
      expect(deadLetters).toMatchObject([{ subscription: "broken", attempts: 3, error: "subscriber down" }]);
    } finally {
      await flaky.close();
    }
  });
});

/** Starts the stream worker process and resolves once it reads the stream. */
function spawnWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "packages/local/src/cli/stream-worker.ts"], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`stream worker exited early (${code})`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
  });
}

describe("the published event schema", () => {
  it("is served next to the OpenAPI document and describes every event type", async () => {
    const response = await invoke("eventSchema.get");
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ title: "DomainEvent", $ref: "#/$defs/DomainEvent" });
    const event = response.body.$defs.DomainEvent;
    expect(event.properties.type.enum).toContain("deal.stage_changed");
    expect(event.required).toEqual(expect.arrayContaining(["id", "type", "orgId", "record", "changes"]));
  });
});
