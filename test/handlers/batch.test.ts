import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aDeal } from "../support/builders";
import { injectTransactionFailures } from "../support/faults";
import { anEmail, anOrganisation, type TestOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

type Result = { index: number; status: number; data?: Record<string, unknown>; error?: Record<string, unknown> };

const statusesOf = (body: { results: Result[] }) => body.results.map((result) => result.status);

async function contactsOf(org: TestOrganisation) {
  const listed = await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } });
  expect(listed.status).toBe(200);
  return listed.body.data as { id: string; firstName: string; title: string | null; version: number }[];
}

async function aContactBatch(org: TestOrganisation, items: unknown[]) {
  const created = await invoke("contacts.batchCreate", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { items },
  });
  expect(created.status).toBe(200);
  return created.body.results as Result[];
}

describe("batch create and update", () => {
  let removeFailures: (() => void) | undefined;
  afterEach(() => {
    removeFailures?.();
    removeFailures = undefined;
  });

  it("create the valid contacts and refuse an invalid one alone, naming its field inside the batch", async () => {
    const org = await anOrganisation();
    const response = await invoke("contacts.batchCreate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { firstName: "Ada", emails: ["ada@example.com"] },
          { firstName: "Bad", emails: ["not-an-email"] },
          { firstName: "Grace", tags: ["Navy"] },
        ],
      },
    });

    expect(response.status).toBe(200);
    expect(statusesOf(response.body)).toEqual([201, 400, 201]);
    expect(response.body).toMatchObject({ succeeded: 2, failed: 1 });
    expect(response.body.results[0]).toMatchObject({ index: 0, data: { firstName: "Ada", version: 1 } });
    expect(response.body.results[1]).toEqual({
      index: 1,
      status: 400,
      error: expect.objectContaining({
        type: "/problems/validation-failed",
        title: expect.any(String),
        status: 400,
        code: "validation-failed",
        detail: "One field is invalid; see errors for each one.",
        errors: [{ path: "body.items.1.emails.0", message: expect.any(String) }],
      }),
    });
    expect(response.body.results[2]).toMatchObject({ index: 2, data: { firstName: "Grace", tags: ["navy"] } });
    const names = (await contactsOf(org)).map((contact) => contact.firstName).sort();
    expect(names).toEqual(["Ada", "Grace"]);
  });

  it("give an email claimed twice in one batch to the earlier entry; the later one is a duplicate", async () => {
    const org = await anOrganisation();
    const email = anEmail("twice");
    const results = await aContactBatch(org, [
      { firstName: "First", emails: [email] },
      { firstName: "Second", emails: [email.toUpperCase()] },
    ]);

    expect(results.map((result) => result.status)).toEqual([201, 409]);
    expect(results[1]?.error).toMatchObject({
      code: "duplicate",
      existing: { type: "contact", id: results[0]?.data?.id },
    });
    expect(await contactsOf(org)).toHaveLength(1);
  });

  it("report a rule the service checks at the entry's own path", async () => {
    const org = await anOrganisation();
    const results = await aContactBatch(org, [
      { firstName: "Orphan", ownerId: "mem_0000000000000000000000000a" },
      { firstName: "Fine" },
    ]);

    expect(results.map((result) => result.status)).toEqual([400, 201]);
    expect(results[0]?.error?.errors).toEqual([{ path: "body.items.0.ownerId", message: expect.any(String) }]);
  });

  it("update each contact with its own ifMatch; a stale one fails alone with 412 and stays as it was", async () => {
    const org = await anOrganisation();
    const created = await aContactBatch(org, [{ firstName: "A" }, { firstName: "B" }, { firstName: "C" }]);
    const [a, b, c] = created.map((result) => String(result.data?.id)) as [string, string, string];
    const meanwhile = await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: b },
      body: { title: "Changed meanwhile" },
    });
    expect(meanwhile.headers.etag).toBe('"2"');

    const response = await invoke("contacts.batchUpdate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { id: a, changes: { title: "CEO" }, ifMatch: '"1"' },
          { id: b, changes: { title: "CTO" }, ifMatch: '"1"' },
          { id: c, changes: { title: "CFO", lastName: "Hopper" }, ifMatch: '"1"' },
        ],
      },
    });

    expect(response.status).toBe(200);
    expect(statusesOf(response.body)).toEqual([200, 412, 200]);
    expect(response.body.results[0].data).toMatchObject({ id: a, title: "CEO", version: 2 });
    expect(response.body.results[1].error).toMatchObject({ code: "precondition-failed", status: 412 });
    expect(response.body.results[2].data).toMatchObject({ id: c, title: "CFO", lastName: "Hopper", version: 2 });
    const stale = await invoke("contacts.get", { token: org.admin.token, params: { orgId: org.orgId, contactId: b } });
    expect(stale.body).toMatchObject({ title: "Changed meanwhile", version: 2 });
  });

  it("refuse an invalid change and a record named twice entry by entry, at paths inside the entry", async () => {
    const org = await anOrganisation();
    const [ada, grace] = await aContactBatch(org, [{ firstName: "Ada" }, { firstName: "Grace" }]);
    const [adaId, graceId] = [ada?.data?.id, grace?.data?.id];

    const response = await invoke("contacts.batchUpdate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { id: adaId, changes: { title: "Countess" } },
          { id: adaId, changes: { title: "Again" } },
          { id: "not-an-id", changes: { phones: "123" } },
          { id: graceId, changes: { firstName: null } },
        ],
      },
    });

    expect(statusesOf(response.body)).toEqual([200, 400, 400, 400]);
    expect(response.body.results[1].error.errors).toEqual([{ path: "body.items.1.id", message: expect.any(String) }]);
    expect(response.body.results[2].error.errors.map((issue: { path: string }) => issue.path).sort()).toEqual([
      "body.items.2.changes.phones",
      "body.items.2.id",
    ]);
    // The service refuses a contact left without a name or email: its "body" is this entry's changes.
    expect(response.body.results[3].error.errors).toEqual([
      { path: "body.items.3.changes", message: expect.any(String) },
    ]);
  });

  it("answer 404 for each id of another organisation and change it not", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const [mine] = await aContactBatch(org, [{ firstName: "Mine" }]);
    const [theirs] = await aContactBatch(other, [{ firstName: "Theirs" }]);

    const response = await invoke("contacts.batchUpdate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { id: theirs?.data?.id, changes: { title: "Stolen" } },
          { id: mine?.data?.id, changes: { title: "Kept" } },
        ],
      },
    });

    expect(statusesOf(response.body)).toEqual([404, 200]);
    expect(response.body.results[0].error).toMatchObject({ code: "not-found", status: 404 });
    expect((await contactsOf(other))[0]?.title).toBeNull();
  });

  it("refuse only the entry that reassigns a record its member does not own", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const [kept, edited] = await aContactBatch(org, [{ firstName: "Kept" }, { firstName: "Edited" }]);

    const response = await invoke("contacts.batchUpdate", {
      token: member.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { id: kept?.data?.id, changes: { ownerId: member.memberId } },
          { id: edited?.data?.id, changes: { title: "Edited by a member" } },
        ],
      },
    });

    expect(statusesOf(response.body)).toEqual([403, 200]);
    expect(response.body.results[0].error.code).toBe("forbidden");
  });

  it("create companies with a domain claimed twice and an unknown owner refused entry by entry", async () => {
    const org = await anOrganisation();
    const response = await invoke("companies.batchCreate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { name: "Initech", domain: "https://www.initech.example/about" },
          { name: "Initech again", domain: "initech.example" },
          { name: "Nobody's", ownerId: "mem_0000000000000000000000000a" },
          { name: "Globex", size: "huge" },
        ],
      },
    });

    expect(statusesOf(response.body)).toEqual([201, 409, 400, 400]);
    expect(response.body.results[0].data).toMatchObject({ name: "Initech", domain: "initech.example" });
    expect(response.body.results[1].error).toMatchObject({ code: "duplicate", existing: { type: "company" } });
    expect(response.body.results[2].error.errors[0].path).toBe("body.items.2.ownerId");
    expect(response.body.results[3].error.errors[0].path).toBe("body.items.3.size");

    const update = await invoke("companies.batchUpdate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { items: [{ id: response.body.results[0].data.id, changes: { industry: "Software" } }] },
    });
    expect(update.body.results[0]).toMatchObject({ status: 200, data: { industry: "Software", version: 2 } });
  });

  it("create deals into the pipeline's totals, refusing a lost reason in an open stage at its entry's path", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    const response = await invoke("deals.batchCreate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { title: "Ten seats", value: { amount: 100_00, currency: "EUR" } },
          { title: "Lost already", value: { amount: 1_00, currency: "EUR" }, lostReason: "Too early" },
          { title: "Fifty seats", value: { amount: 250_00, currency: "EUR" } },
          { title: "Signed", value: { amount: 900_00, currency: "EUR" }, stageId: stage("Won").id },
        ],
      },
    });

    expect(statusesOf(response.body)).toEqual([201, 400, 201, 201]);
    expect(response.body.results[1].error.errors[0].path).toBe("body.items.1.lostReason");
    expect(response.body.results[3].data).toMatchObject({ status: "won", closedAt: expect.any(String) });
    const board = await invoke("pipelines.board", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
    });
    const lead = board.body.stages.find((candidate: { id: string }) => candidate.id === stage("Lead").id);
    expect(lead).toMatchObject({ dealCount: 2, totals: [{ currency: "EUR", value: 350_00 }] });
  });

  it("update deals' values and their pipeline's totals with them", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    const first = await aDeal(org, { value: { amount: 100_00, currency: "EUR" } });
    const second = await aDeal(org, { value: { amount: 200_00, currency: "EUR" } });

    const response = await invoke("deals.batchUpdate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        items: [
          { id: first.id, changes: { value: { amount: 150_00, currency: "EUR" } }, ifMatch: '"1"' },
          { id: second.id, changes: { value: { amount: 300_00, currency: "EUR" }, title: "Bigger" } },
        ],
      },
    });

    expect(statusesOf(response.body)).toEqual([200, 200]);
    expect(response.body.results[1].data).toMatchObject({ title: "Bigger", value: { amount: 300_00 }, version: 2 });
    const board = await invoke("pipelines.board", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
    });
    const lead = board.body.stages.find((candidate: { id: string }) => candidate.id === stage("Lead").id);
    expect(lead).toMatchObject({ dealCount: 2, totals: [{ currency: "EUR", value: 450_00 }] });
  });

  it("refuse a malformed envelope as a whole and write nothing, such as 101 entries", async () => {
    const org = await anOrganisation();
    const tooMany = Array.from({ length: 101 }, (_, index) => ({ firstName: `Person ${index}` }));
    const malformed = [{ items: tooMany }, { items: [] }, { items: { firstName: "Ada" } }, { contacts: [] }, [{}]];

    for (const body of malformed) {
      const response = await invoke("contacts.batchCreate", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body,
      });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.headers["content-type"]).toBe("application/problem+json");
      expect(response.body.code).toBe("validation-failed");
    }
    const over = await invoke("contacts.batchCreate", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { items: tooMany },
    });
    expect(over.body.errors).toEqual([{ path: "body.items", message: "A batch has at most 100 entries." }]);
    expect(await contactsOf(org)).toEqual([]);
  });

  it("take 100 entries in one request", async () => {
    const org = await anOrganisation();
    const items = Array.from({ length: 100 }, (_, index) => ({ firstName: `Person ${index}` }));
    const results = await aContactBatch(org, items);

    expect(results.map((result) => result.status)).toEqual(items.map(() => 201));
    expect(results.map((result) => result.data?.firstName)).toEqual(items.map((item) => item.firstName));
  });

  it("are refused to a viewer as a whole", async () => {
    const org = await anOrganisation();
    const viewer = await org.member("viewer");
    const response = await invoke("contacts.batchCreate", {
      token: viewer.token,
      params: { orgId: org.orgId },
      body: { items: [{ firstName: "Ada" }] },
    });

    expect(response.status).toBe(403);
    expect(response.body.code).toBe("forbidden");
    expect(await contactsOf(org)).toEqual([]);
  });

  it("report an unexpected failure of one entry as its own opaque 500", async () => {
    const org = await anOrganisation();
    removeFailures = injectTransactionFailures("Unlucky");
    const results = await aContactBatch(org, [{ firstName: "Lucky" }, { firstName: "Unlucky" }, { firstName: "Fine" }]);

    expect(results.map((result) => result.status)).toEqual([201, 500, 201]);
    expect(results[1]?.error).toMatchObject({ code: "internal-error", status: 500 });
    expect(JSON.stringify(results[1]?.error)).not.toContain("fire");
  });

  it("replay the whole result to a retry with the same Idempotency-Key and write nothing again", async () => {
    const org = await anOrganisation();
    const request = {
      token: org.admin.token,
      params: { orgId: org.orgId },
      headers: { "idempotency-key": randomUUID() },
      body: { items: [{ firstName: "Once" }, { emails: ["nope"] }] },
    };
    const first = await invoke("contacts.batchCreate", request);
    const retry = await invoke("contacts.batchCreate", request);

    expect(retry.status).toBe(200);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(await contactsOf(org)).toHaveLength(1);
  });
});
