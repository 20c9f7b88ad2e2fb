import { startHttpGateway } from "@crm/local/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aPerson } from "../support/organisations";

/** Through the local gateway over real HTTP: the same path a request takes through API Gateway in AWS. */
describe("the API over HTTP", () => {
  let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
  beforeAll(async () => {
    gateway = await startHttpGateway({ port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const call = async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined
        ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  it("serves /health and the OpenAPI document without a token", async () => {
    expect(await call("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
    const openapi = await call("GET", "/openapi.json");
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toBe("3.1.0");
  });

  it("walks a newcomer's first session: org, member, contacts, paging, update, delete", async () => {
    const founder = aPerson("founder");
    const org = await call("POST", "/v1/orgs", { token: founder.token, body: { name: "Over HTTP" } });
    expect(org.status).toBe(201);
    expect(org.headers.get("location")).toBe(`/v1/orgs/${org.body.id}`);
    const base = `/v1/orgs/${org.body.id}`;

    const colleague = aPerson("colleague");
    expect(
      (
        await call("POST", `${base}/members`, {
          token: founder.token,
          body: { email: colleague.email, role: "member" },
        })
      ).status,
    ).toBe(201);

    for (const lastName of ["Curie", "Meitner", "Franklin"]) {
      const created = await call("POST", `${base}/contacts`, {
        token: colleague.token,
        body: { lastName, tags: ["science"] },
      });
      expect(created.status).toBe(201);
    }
    const first = await call("GET", `${base}/contacts?limit=2&sort=lastName&tag=science`, { token: founder.token });
    expect(first.body.data.map((c: { lastName: string }) => c.lastName)).toEqual(["Curie", "Franklin"]);
    const second = await call(
      "GET",
      `${base}/contacts?limit=2&sort=lastName&tag=science&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      {
        token: founder.token,
      },
    );
    expect(second.body.data.map((c: { lastName: string }) => c.lastName)).toEqual(["Meitner"]);

    const id = second.body.data[0].id;
    const patched = await call("PATCH", `${base}/contacts/${id}`, {
      token: founder.token,
      body: { firstName: "Lise" },
    });
    expect(patched.body).toMatchObject({ firstName: "Lise", lastName: "Meitner" });
    expect((await call("DELETE", `${base}/contacts/${id}`, { token: founder.token })).status).toBe(204);
    expect((await call("GET", `${base}/contacts/${id}`, { token: founder.token })).status).toBe(404);
  });

  it("answers an unknown path with 404 and a wrong method with 405 and Allow, as problem+json", async () => {
    const missing = await call("GET", "/v1/unknown");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    const wrongMethod = await call("PUT", "/v1/orgs");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "POST"]);
  });

  it("answers malformed JSON and a missing token precisely", async () => {
    const person = aPerson();
    const malformed = await call("POST", "/v1/orgs", { token: person.token, body: "{oops" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("malformed-json");
    const anonymous = await call("POST", "/v1/orgs", { body: { name: "X" } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="crm"');
  });

  it("marks every response with the request id and forbids caching", async () => {
    const response = await call("GET", "/v1/orgs", { token: aPerson().token });
    expect(response.headers.get("x-request-id")).toEqual(expect.any(String));
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("sells over HTTP: a deal moves to Proposal, a call is logged, the board and the timeline show it", async () => {
    const seller = aPerson("seller");
    const org = await call("POST", "/v1/orgs", { token: seller.token, body: { name: "Sales over HTTP" } });
    const base = `/v1/orgs/${org.body.id}`;
    const pipelines = await call("GET", `${base}/pipelines`, { token: seller.token });
    const [pipeline] = pipelines.body.data;
    const proposal = pipeline.stages.find((stage: { name: string }) => stage.name === "Proposal");
    const deal = await call("POST", `${base}/deals`, {
      token: seller.token,
      body: { title: "Forty seats", value: { amount: 4_000_00, currency: "EUR" } },
    });
    expect(deal.status).toBe(201);
    const moved = await call("PATCH", `${base}/deals/${deal.body.id}/stage`, {
      token: seller.token,
      headers: { "if-match": deal.headers.get("etag") ?? "" },
      body: { stageId: proposal.id },
    });
    expect(moved.status).toBe(200);
    expect(moved.headers.get("etag")).toBe('"2"');
    const call1 = await call("POST", `${base}/activities`, {
      token: seller.token,
      body: { type: "call", subject: "Walked through the proposal", dealIds: [deal.body.id] },
    });
    expect(call1.status).toBe(201);
    const board = await call("GET", `${base}/pipelines/${pipeline.id}/board`, { token: seller.token });
    expect(board.body.stages.find((stage: { id: string }) => stage.id === proposal.id)).toMatchObject({
      dealCount: 1,
      totals: [{ currency: "EUR", value: 4_000_00, weightedValue: 2_000_00 }],
    });
    const timeline = await call("GET", `${base}/deals/${deal.body.id}/timeline`, { token: seller.token });
    expect(timeline.body.data.map((entry: { kind: string }) => entry.kind)).toEqual(["activity", "change", "change"]);
  });
  it("serves a sync script with an API key: created once, used as a bearer token, revoked", async () => {
    const founder = aPerson("founder");
    const org = await call("POST", "/v1/orgs", { token: founder.token, body: { name: "Scripted" } });
    const base = `/v1/orgs/${org.body.id}`;
    const key = await call("POST", `${base}/api-keys`, {
      token: founder.token,
      body: { name: "Spreadsheet sync", scopes: ["contacts:write"] },
    });
    expect(key.status).toBe(201);

    const created = await call("POST", `${base}/contacts`, { token: key.body.secret, body: { lastName: "Noether" } });
    expect(created.status).toBe(201);
    const listed = await call("GET", `${base}/contacts`, { token: key.body.secret });
    expect(listed.body.data.map((contact: { lastName: string }) => contact.lastName)).toEqual(["Noether"]);
    expect((await call("GET", `${base}/deals`, { token: key.body.secret })).status).toBe(403);

    expect((await call("DELETE", `${base}/api-keys/${key.body.id}`, { token: founder.token })).status).toBe(204);
    const refused = await call("GET", `${base}/contacts`, { token: key.body.secret });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
  });
});
