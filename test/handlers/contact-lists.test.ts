import { busSubscriptions } from "@crm/core/declarations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact } from "../support/builders";
import { startEventPipeline } from "../support/event-pipeline";
import { anOrganisation, type Person, type TestOrganisation } from "../support/organisations";

type Contact = { id: string; firstName: string | null; lastName: string | null; ownerId: string; tags: string[] };

// `?tag=` alone reads the tag index, which its bus subscriber keeps from the domain events.
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
beforeAll(async () => {
  pipeline = await startEventPipeline({ tagIndex: busSubscriptions.tagIndex });
});
afterAll(async () => {
  await pipeline?.stop();
});

describe("listing contacts", () => {
  let org: TestOrganisation;
  let seller: Person;
  let companyId: string;
  const names = ["Zed Adams", "Amy Brown", "Émile Çelik", "bob davis", "Cara Evans", "Dan Frost", "Eve Green"];

  beforeAll(async () => {
    org = await anOrganisation();
    seller = await org.member("member");
    companyId = (await aCompany(org, { name: "Globex" })).id;
    for (const [index, name] of names.entries()) {
      const [firstName, lastName] = name.split(" ");
      await aContact(
        org,
        { firstName, lastName, tags: index % 3 === 0 ? ["hot"] : [], ...(index < 3 ? { companyId } : {}) },
        index % 2 === 0 ? seller.token : org.admin.token,
      );
    }
    await pipeline.settle();
  });

  async function allPages(query: Record<string, string>): Promise<Contact[]> {
    const seen: Contact[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const response = await invoke("contacts.list", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        query: { ...query, ...(cursor ? { cursor } : {}) },
      });
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(Number(query.limit ?? 25));
      seen.push(...response.body.data);
      cursor = response.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    return seen;
  }

  it("pages through every contact exactly once, newest first by default", async () => {
    const contacts = await allPages({ limit: "3" });
    expect(contacts).toHaveLength(names.length);
    expect(new Set(contacts.map((c) => c.id)).size).toBe(names.length);
    expect(contacts.map((c) => c.firstName)).toEqual(names.map((n) => n.split(" ")[0]).reverse());
  });

  it("sorts by last name, ignoring case and accents", async () => {
    const contacts = await allPages({ sort: "lastName", limit: "4" });
    expect(contacts.map((c) => c.lastName)).toEqual(["Adams", "Brown", "Çelik", "davis", "Evans", "Frost", "Green"]);
    const descending = await allPages({ sort: "-lastName" });
    expect(descending.map((c) => c.lastName)[0]).toBe("Green");
  });

  it("filters by owner, company and tag, alone and combined", async () => {
    expect((await allPages({ ownerId: seller.memberId, limit: "2" })).map((c) => c.firstName)).toEqual([
      "Eve",
      "Cara",
      "Émile",
      "Zed",
    ]);
    expect(await allPages({ companyId })).toHaveLength(3);
    expect((await allPages({ tag: "HOT", limit: "1" })).map((c) => c.firstName).sort()).toEqual(["Eve", "Zed", "bob"]);
    expect(
      (await allPages({ tag: "hot", ownerId: seller.memberId, sort: "lastName" })).map((c) => c.firstName),
    ).toEqual(["Zed", "Eve"]);
    expect((await allPages({ companyId, ownerId: seller.memberId })).map((c) => c.firstName).sort()).toEqual([
      "Zed",
      "Émile",
    ]);
  });

  it("refuses a tampered cursor, a cursor from another query and one from another organisation with 400", async () => {
    const first = await invoke("contacts.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { limit: "2" },
    });
    const cursor: string = first.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));

    const tampered = `${cursor.slice(0, -2)}xx`;
    const otherQuery = { limit: "2", sort: "lastName", cursor };
    for (const query of [{ cursor: tampered }, otherQuery]) {
      const refused = await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId }, query });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe("invalid-cursor");
    }
    const elsewhere = await anOrganisation();
    const foreign = await invoke("contacts.list", {
      token: elsewhere.admin.token,
      params: { orgId: elsewhere.orgId },
      query: { cursor },
    });
    expect(foreign.status).toBe(400);
  });

  it("refuses limits outside 1 to 100", async () => {
    for (const limit of ["0", "-1", "101", "1e9", "abc", "2.5"]) {
      const refused = await invoke("contacts.list", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        query: { limit },
      });
      expect(refused.status, limit).toBe(400);
      expect(refused.body.errors[0].path).toBe("query.limit");
    }
  });
});
