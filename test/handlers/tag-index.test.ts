import { tableEntities } from "@crm/core/composition";
import { listContacts } from "@crm/core/contact";
import { busSubscriptions } from "@crm/core/declarations";
import type { DomainEvent } from "@crm/core/events";
import { findActor } from "@crm/core/member";
import { onDatabaseClient, type TenantContext } from "@crm/core/platform";
import { importHandler, lambdaContext } from "@crm/local/gateway";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal } from "../support/builders";
import { startEventPipeline } from "../support/event-pipeline";
import { aDomainEvent, anEventBridgeEvent } from "../support/events";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

/**
 * `?tag=` alone on the contacts, companies and deals lists reads the tag index: one pointer per tag of each record,
 * kept by the `tagIndex` bus subscriber from the record's current state. Here the records are written through the
 * API and the local event pipeline (table stream → bus → subscriber) keeps the index; events the tests deliver
 * themselves stand for redeliveries and late arrivals.
 */
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
type Subscriber = (envelope: EventBridgeEvent<string, DomainEvent>, context: Context) => Promise<void>;
let tagIndexSubscriber: Subscriber;
beforeAll(async () => {
  pipeline = await startEventPipeline({ tagIndex: busSubscriptions.tagIndex });
  tagIndexSubscriber = await importHandler<Subscriber>(busSubscriptions.tagIndex.handler);
});
afterAll(async () => {
  await pipeline?.stop();
});

/** The DynamoDB commands sent while a test records them. */
let sent: string[] | null = null;
/** Runs once before the next BatchWriteItem is sent, holding it back meanwhile. */
let beforeNextBatchWrite: (() => Promise<void>) | null = null;
onDatabaseClient((client) => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent?.push(context.commandName ?? "unknown");
      const holdBack = context.commandName === "BatchWriteItemCommand" ? beforeNextBatchWrite : null;
      if (holdBack) {
        beforeNextBatchWrite = null;
        await holdBack();
      }
      return next(args);
    },
    { step: "initialize", name: "recordTagIndexRequests" },
  );
});

/** Delivers a domain event to the tag index's subscriber, as the bus would (again, or late). */
const deliver = (event: DomainEvent) => tagIndexSubscriber(anEventBridgeEvent(event), lambdaContext("tagIndex"));

/** The record ids under a tag in the index itself, whatever the records say now. */
async function pointersOf(org: TestOrganisation, recordType: "contact" | "company" | "deal", tag: string) {
  const { data } = await tableEntities.tagPointer.query
    .recordsByTag({ orgId: org.orgId, recordType, tag })
    .go({ pages: "all" });
  return data.map((pointer) => pointer.recordId).sort();
}

type Listed = { id: string; firstName?: string | null; tags: string[] };

async function listPage(
  org: TestOrganisation,
  route: "contacts.list" | "companies.list" | "deals.list",
  query: Record<string, string>,
) {
  const response = await invoke(route, { token: org.admin.token, params: { orgId: org.orgId }, query });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { data: Listed[]; nextCursor: string | null };
}

async function everyPage(
  org: TestOrganisation,
  route: "contacts.list" | "companies.list" | "deals.list",
  query: Record<string, string>,
) {
  const pages: Listed[][] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const { data, nextCursor } = await listPage(org, route, { ...query, ...(cursor ? { cursor } : {}) });
    pages.push(data);
    cursor = nextCursor ?? undefined;
    if (!cursor) break;
  }
  return pages;
}

const ids = (records: Listed[]) => records.map((record) => record.id);

describe("the tag index", () => {
  it("serves a contact page of one tag in creation order, each page full, through every cursor", async () => {
    const org = await anOrganisation();
    const tagged: string[] = [];
    for (let index = 0; index < 12; index++) {
      const contact = await aContact(org, { firstName: `Person ${index}`, tags: index % 3 === 0 ? ["rare"] : [] });
      if (index % 3 === 0) tagged.push(contact.id);
    }
    await pipeline.settle();

    const newestFirst = await everyPage(org, "contacts.list", { tag: "RARE", limit: "2" });
    expect(newestFirst.slice(0, 2).map((page) => page.length)).toEqual([2, 2]);
    expect(newestFirst.flat().map((contact) => contact.id)).toEqual([...tagged].reverse());
    const oldestFirst = await everyPage(org, "contacts.list", { tag: "rare", sort: "createdAt", limit: "3" });
    expect(oldestFirst.flat().map((contact) => contact.id)).toEqual(tagged);
    // The same order as the unfiltered list's, which reads the by-creation index.
    const everyone = (await everyPage(org, "contacts.list", { limit: "100" })).flat();
    expect(ids(everyone.filter((contact) => contact.tags.includes("rare")))).toEqual([...tagged].reverse());
  });

  it("reads a page with two DynamoDB requests: one Query of pointers, one BatchGetItem of the contacts", async () => {
    const org = await anOrganisation();
    for (let index = 0; index < 30; index++) {
      await aContact(org, { firstName: `Many ${index}`, tags: index % 10 === 0 ? ["scarce"] : ["common"] });
    }
    await pipeline.settle();
    const admin = await findActor(org.orgId, { userId: org.admin.email, email: org.admin.email, name: "Admin" });
    if (!admin) throw new Error("the admin is not a member");
    const context: TenantContext = { orgId: org.orgId, actor: admin, requestId: "tag-index-test" };

    sent = [];
    const page = await listContacts(context, { tag: "scarce", limit: 3, sort: "-createdAt" });
    const requests = sent;
    sent = null;

    expect(page.data).toHaveLength(3);
    expect(requests).toEqual(["QueryCommand", "BatchGetItemCommand"]);
  });

  it("keeps a cursor of the tag index to its own query: the same tag filtered on another index refuses it", async () => {
    const org = await anOrganisation();
    for (let index = 0; index < 3; index++) await aContact(org, { tags: ["cursor"] });
    await pipeline.settle();
    const first = await listPage(org, "contacts.list", { tag: "cursor", limit: "1" });
    expect(first.nextCursor).not.toBeNull();

    const elsewhere = await invoke("contacts.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { tag: "cursor", sort: "lastName", limit: "1", cursor: first.nextCursor ?? "" },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.code).toBe("invalid-cursor");
  });

  it("follows a change of tags, and converges when the events arrive twice or an older one last", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org, { tags: ["old", "kept"] });
    const params = { orgId: org.orgId, contactId: contact.id };
    const updated = await invoke("contacts.update", {
      token: org.admin.token,
      params,
      body: { tags: ["new", "kept"] },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    await pipeline.settle();
    expect(await pointersOf(org, "contact", "old")).toEqual([]);
    expect(await pointersOf(org, "contact", "new")).toEqual([contact.id]);

    // The creation's event again, after the update's: it names "old", which the contact no longer has.
    const created = aDomainEvent({
      orgId: org.orgId,
      type: "contact.created",
      record: { type: "contact", id: contact.id },
      changes: [{ field: "tags", before: null, after: ["old", "kept"] }],
    });
    await deliver(created);
    await deliver(created);

    expect(await pointersOf(org, "contact", "old")).toEqual([]);
    expect(await pointersOf(org, "contact", "new")).toEqual([contact.id]);
    expect(await pointersOf(org, "contact", "kept")).toEqual([contact.id]);
    expect(ids((await listPage(org, "contacts.list", { tag: "old" })).data)).toEqual([]);
    expect(ids((await listPage(org, "contacts.list", { tag: "new" })).data)).toEqual([contact.id]);
  });

  it("goes round again when the record changed while it wrote, so a run overtaken by a newer one leaves nothing stale", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org, { tags: ["overtaken"] });
    const params = { orgId: org.orgId, contactId: contact.id };
    await pipeline.settle();
    // The creation's event again; between its read (the tag is there) and its write, the tag is removed and the
    // removal's own run deletes the pointer, so this run's put lands after that delete.
    beforeNextBatchWrite = async () => {
      const updated = await invoke("contacts.update", { token: org.admin.token, params, body: { tags: [] } });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      await pipeline.settle();
    };
    await deliver(
      aDomainEvent({
        orgId: org.orgId,
        type: "contact.created",
        record: { type: "contact", id: contact.id },
        changes: [{ field: "tags", before: null, after: ["overtaken"] }],
      }),
    );

    expect(beforeNextBatchWrite).toBeNull();
    expect(await pointersOf(org, "contact", "overtaken")).toEqual([]);
  });

  it("leaves out a record whose pointer is stale, until the change's event deletes the pointer", async () => {
    const org = await anOrganisation();
    const [first, second, third] = [
      await aContact(org, { tags: ["stale"] }),
      await aContact(org, { tags: [] }),
      await aContact(org, { tags: ["stale"] }),
    ];
    await pipeline.settle();
    // A pointer the subscriber has not deleted yet: the contact lost the tag, its event is still on the way.
    await tableEntities.tagPointer
      .put({ orgId: org.orgId, recordType: "contact", tag: "stale", recordId: second.id })
      .go();

    const page = await listPage(org, "contacts.list", { tag: "stale", limit: "3" });
    expect(ids(page.data)).toEqual([third.id, first.id]);

    await deliver(
      aDomainEvent({
        orgId: org.orgId,
        record: { type: "contact", id: second.id },
        changes: [{ field: "tags", before: ["stale"], after: [] }],
      }),
    );
    expect(await pointersOf(org, "contact", "stale")).toEqual([first.id, third.id].sort());
  });

  it("drops a trashed contact from its tags and brings it back when it is restored", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org, { tags: ["trashable"] });
    const params = { orgId: org.orgId, contactId: contact.id };
    await pipeline.settle();
    expect(ids((await listPage(org, "contacts.list", { tag: "trashable" })).data)).toEqual([contact.id]);

    expect((await invoke("contacts.delete", { token: org.admin.token, params })).status).toBe(204);
    await pipeline.settle();
    expect(await pointersOf(org, "contact", "trashable")).toEqual([]);

    const restored = await invoke("trash.restore", {
      token: org.admin.token,
      params: { orgId: org.orgId, recordId: contact.id },
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    await pipeline.settle();
    expect(ids((await listPage(org, "contacts.list", { tag: "trashable" })).data)).toEqual([contact.id]);
  });

  it("moves a merged contact's tags to the survivor", async () => {
    const org = await anOrganisation();
    const survivor = await aContact(org, { firstName: "Ada", tags: ["kept"] });
    const merged = await aContact(org, { firstName: "Ada", tags: ["taken-over"] });
    const response = await invoke("contacts.merge", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { survivorId: survivor.id, mergedIds: [merged.id] },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    await pipeline.settle();

    expect(await pointersOf(org, "contact", "taken-over")).toEqual([survivor.id]);
    expect(ids((await listPage(org, "contacts.list", { tag: "taken-over" })).data)).toEqual([survivor.id]);
    expect(ids((await listPage(org, "contacts.list", { tag: "kept" })).data)).toEqual([survivor.id]);
  });

  it("never shows one organisation's records under another's tag", async () => {
    const [mine, theirs] = [await anOrganisation(), await anOrganisation()];
    const own = await aContact(mine, { tags: ["shared-name"] });
    const other = await aContact(theirs, { tags: ["shared-name"] });
    await aCompany(theirs, { tags: ["shared-name"] });
    await pipeline.settle();

    expect(ids((await listPage(mine, "contacts.list", { tag: "shared-name" })).data)).toEqual([own.id]);
    expect((await listPage(mine, "companies.list", { tag: "shared-name" })).data).toEqual([]);
    // An event claiming the other organisation's contact for this one finds no such contact here: no pointer.
    await deliver(
      aDomainEvent({
        orgId: mine.orgId,
        type: "contact.created",
        record: { type: "contact", id: other.id },
        changes: [{ field: "tags", before: null, after: ["shared-name"] }],
      }),
    );
    expect(await pointersOf(mine, "contact", "shared-name")).toEqual([own.id]);
  });

  it("serves companies and deals of one tag as well, newest first", async () => {
    const org = await anOrganisation();
    const companies = [
      await aCompany(org, { tags: ["key"] }),
      await aCompany(org),
      await aCompany(org, { tags: ["key"] }),
    ];
    const deals = [await aDeal(org, { tags: ["key"] }), await aDeal(org, { tags: ["key"] }), await aDeal(org)];
    await pipeline.settle();

    const companyPages = await everyPage(org, "companies.list", { tag: "key", limit: "1" });
    expect(companyPages.flat().map((company) => company.id)).toEqual([companies[2]?.id, companies[0]?.id]);
    const dealPages = await everyPage(org, "deals.list", { tag: "key", limit: "1" });
    expect(dealPages.flat().map((deal) => deal.id)).toEqual([deals[1]?.id, deals[0]?.id]);
  });
});
