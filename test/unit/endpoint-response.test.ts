import { contracts } from "@crm/core/api";
import { systemContracts } from "@crm/core/system";
import { endpointResponse, publicEndpoint } from "@crm/functions/platform";
import { lambdaContext } from "@crm/local/gateway";
import { describe, expect, it } from "vitest";
import { anApiEvent } from "../support/api-events";

describe("the headers and status a route answers with", () => {
  it("come from its contract: a route whose contract names no ETag or Location sends neither its version nor a Location, though its result has a version and an id", async () => {
    const result = { status: "ok" as const, id: "con_01", version: 3 };
    const handler = publicEndpoint("health.get", systemContracts, async () => result);

    const response = await handler(anApiEvent("health.get"), lambdaContext("health.get"));

    expect(response.statusCode).toBe(200);
    expect(response.headers?.etag).not.toBe('"3"'); // a GET's ETag is then one of its content
    expect(response.headers).not.toHaveProperty("location");
    expect(JSON.parse(response.body ?? "")).toEqual(result);
  });

  it("a created record's contract sends its Location under the request path and its version as the ETag", () => {
    const event = anApiEvent("contacts.create", { params: { orgId: "org_01" } });

    const response = endpointResponse(contracts["contacts.create"].response, event, { id: "con_01", version: 1 });

    expect(response.statusCode).toBe(201);
    expect(response.headers).toMatchObject({ location: "/v1/orgs/org_01/contacts/con_01", etag: '"1"' });
  });

  it("a created record whose contract names no ETag gets a Location only", () => {
    const event = anApiEvent("members.add", { params: { orgId: "org_01" } });

    const response = endpointResponse(contracts["members.add"].response, event, { id: "mem_01", version: 1 });

    expect(response.headers).toHaveProperty("location", "/v1/orgs/org_01/members/mem_01");
    expect(response.headers).not.toHaveProperty("etag");
  });

  it("a batch answers 200 with each successful entry's status from its contract: 201 for a batch create, 200 for an update", () => {
    const outcomes = [{ index: 0, ok: true as const, value: { id: "con_01", version: 1 } }];
    const bodyOf = (routeId: "contacts.batchCreate" | "contacts.batchUpdate") => {
      const response = endpointResponse(contracts[routeId].response, anApiEvent(routeId), outcomes);
      expect(response.statusCode, routeId).toBe(200);
      expect(response.headers, routeId).not.toHaveProperty("etag");
      return JSON.parse(response.body ?? "");
    };

    expect(bodyOf("contacts.batchCreate")).toEqual({
      results: [{ index: 0, status: 201, data: { id: "con_01", version: 1 } }],
      succeeded: 1,
      failed: 0,
    });
    expect(bodyOf("contacts.batchUpdate").results[0].status).toBe(200);
  });

  it("a route without content answers 204 with no body, whatever its handler returned", () => {
    const event = anApiEvent("contacts.delete", { params: { orgId: "org_01", contactId: "con_01" } });

    expect(endpointResponse(contracts["contacts.delete"].response, event, { id: "con_01", version: 2 })).toEqual({
      statusCode: 204,
    });
  });
});
