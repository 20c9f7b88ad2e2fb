import { readFileSync } from "node:fs";
import { createCrmClient } from "@crm/client";
import { openApiDocument } from "@crm/core/api";
import { startHttpGateway } from "@crm/local/gateway";
import { schemaTypes } from "@crm/sdk-gen/typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anOrganisation } from "../support/organisations";

describe("@crm/client against the local gateway", () => {
  let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
  beforeAll(async () => {
    gateway = await startHttpGateway({ port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("sells: a contact, their company, a deal with both, and a call logged on the deal's timeline", async () => {
    const organisation = await anOrganisation("Client");
    const crm = createCrmClient({ baseUrl: gateway.url, token: organisation.admin.token });
    const orgId = organisation.orgId;

    const contact = await crm.POST("/v1/orgs/{orgId}/contacts", {
      params: { path: { orgId } },
      body: { firstName: "Ada", lastName: "Lovelace", emails: ["ada@example.com"] },
    });
    expect(contact.response.status).toBe(201);
    const company = await crm.POST("/v1/orgs/{orgId}/companies", {
      params: { path: { orgId } },
      body: { name: "Analytical Engines", domain: "engines.example.com" },
    });
    expect(company.response.status).toBe(201);
    const contactId = contact.data?.id ?? "";
    const companyId = company.data?.id ?? "";

    const deal = await crm.POST("/v1/orgs/{orgId}/deals", {
      params: { path: { orgId } },
      body: { title: "Forty seats", value: { amount: 400000, currency: "EUR" }, companyId, contactIds: [contactId] },
    });
    expect(deal.response.status).toBe(201);
    expect(deal.data).toMatchObject({ status: "open", companyId, contactIds: [contactId] });
    const dealId = deal.data?.id ?? "";

    const call = await crm.POST("/v1/orgs/{orgId}/activities", {
      params: { path: { orgId } },
      body: { type: "call", subject: "Intro call", durationMinutes: 30, dealIds: [dealId] },
    });
    expect(call.response.status).toBe(201);

    const timeline = await crm.GET("/v1/orgs/{orgId}/deals/{dealId}/timeline", {
      params: { path: { orgId, dealId } },
    });
    expect(timeline.response.status).toBe(200);
    const activities = timeline.data?.data.flatMap((item) => (item.kind === "activity" ? [item.activity] : []));
    expect(activities).toEqual([expect.objectContaining({ id: call.data?.id, type: "call", subject: "Intro call" })]);
  });

  it("answers a refused request with the problem details as its error, not its data", async () => {
    const organisation = await anOrganisation("Client errors");
    const crm = createCrmClient({ baseUrl: gateway.url, token: organisation.admin.token });

    const missing = await crm.GET("/v1/orgs/{orgId}/contacts/{contactId}", {
      params: { path: { orgId: organisation.orgId, contactId: "con_0missing" } },
    });

    expect(missing.response.status).toBe(404);
    expect(missing.data).toBeUndefined();
    expect(missing.error).toMatchObject({ status: 404 });
  });

  it("reads a credential given as a function for every request, so a refreshed token is used", async () => {
    const organisation = await anOrganisation("Client tokens");
    const tokens = ["not-a-token", organisation.admin.token];
    const crm = createCrmClient({ baseUrl: `${gateway.url}/`, token: () => tokens.shift() ?? "" });
    const list = () => crm.GET("/v1/orgs/{orgId}/contacts", { params: { path: { orgId: organisation.orgId } } });

    expect((await list()).response.status).toBe(401);
    expect((await list()).response.status).toBe(200);
  });
});

describe("@crm/client's types", () => {
  it("are the ones the current OpenAPI document generates (run `npm run sdk` after changing a contract)", async () => {
    const committed = readFileSync(new URL("../../packages/client/src/schema.d.ts", import.meta.url), "utf8");
    expect(committed === (await schemaTypes(openApiDocument()))).toBe(true);
  });
});
