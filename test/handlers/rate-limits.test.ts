import { databaseClient } from "@crm/core/platform";
import { RateLimitCounterEntity } from "@crm/core/ratelimit";
import { describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { eventually } from "../support/eventually";
import { anOrganisation } from "../support/organisations";

// Before the handler modules read their configuration (once per process): small limits and a long window.
vi.hoisted(() => {
  process.env.RATE_LIMIT_PER_CALLER = "6";
  process.env.RATE_LIMIT_PER_ORGANISATION = "9";
  process.env.RATE_LIMIT_WINDOW_SECONDS = "3600";
});

describe("rate limits", () => {
  it("let a caller make their share of requests, with RateLimit headers, then answer 429 with Retry-After", async () => {
    const { orgId, admin } = await anOrganisation(); // listing its members is the caller's first request in it
    const answers = [];
    for (let request = 0; request < 6; request++) {
      answers.push(await invoke("contacts.list", { token: admin.token, params: { orgId } }));
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers[0]?.headers).toMatchObject({ "ratelimit-limit": "6", "ratelimit-remaining": "4" });
    expect(answers[4]?.headers["ratelimit-remaining"]).toBe("0");
    const refused = answers[5];
    expect(refused?.headers["content-type"]).toBe("application/problem+json");
    expect(refused?.body).toMatchObject({ status: 429, code: "rate-limited" });
    expect(Number(refused?.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("count an organisation's callers together, and never another organisation's", async () => {
    const org = await anOrganisation(); // the admin lists the members: 1 request in the organisation
    const colleague = await org.member("member"); // and adds one: 2
    const other = await anOrganisation("Other");
    const byColleague = [];
    for (let request = 0; request < 6; request++) {
      byColleague.push(
        (await invoke("contacts.list", { token: colleague.token, params: { orgId: org.orgId } })).status,
      );
    }
    // The colleague's own 6 are used up; with the admin's 2 the organisation is at 8 of its 9.
    expect(byColleague).toEqual([200, 200, 200, 200, 200, 200]);
    const last = await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(last.status).toBe(200);
    const admin = await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(admin.status).toBe(429);
    expect(admin.body.detail).toMatch(/in this organisation/);
    const elsewhere = await invoke("contacts.list", { token: other.admin.token, params: { orgId: other.orgId } });
    expect(elsewhere.status).toBe(200);
  });

  it("never wait for the counters: requests are answered while the counter updates are held, and their count reaches the table after", async () => {
    // Prepare: every counter update of this organisation waits until released
    const org = await anOrganisation();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const client = databaseClient();
    client.middlewareStack.add(
      (next) => async (args) => {
        const key = JSON.stringify((args.input as { Key?: unknown }).Key ?? "");
        if (key.includes(`organisation:${org.orgId}:`)) await released;
        return next(args);
      },
      { step: "initialize", name: "holdRateLimitCounters", override: true },
    );
    try {
      // Act
      const statuses = [];
      for (let request = 0; request < 3; request++) {
        statuses.push((await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } })).status);
      }

      // Assess: answered meanwhile; once the table answers again, the organisation's four requests are counted
      expect(statuses).toEqual([200, 200, 200]);
      release();
      const window = Math.floor(Date.now() / 3_600_000);
      await eventually(async () => {
        await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } }); // flushes the rest
        const { data } = await RateLimitCounterEntity.get({ bucket: `organisation:${org.orgId}:${window}` }).go();
        expect(data?.count).toBeGreaterThanOrEqual(5);
      });
    } finally {
      release();
      client.middlewareStack.remove("holdRateLimitCounters");
    }
  });

  it("learn from the table what other containers counted: a window already full elsewhere refuses after one flush", async () => {
    const org = await anOrganisation();
    const window = Math.floor(Date.now() / 3_600_000);
    // Another container has admitted the organisation's whole share of the window.
    await RateLimitCounterEntity.update({ bucket: `organisation:${org.orgId}:${window}` })
      .add({ count: 9 })
      .go();

    const statuses: number[] = [];
    for (let request = 0; request < 4 && statuses.at(-1) !== 429; request++) {
      statuses.push((await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } })).status);
    }

    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBeLessThanOrEqual(3);
  });
});
