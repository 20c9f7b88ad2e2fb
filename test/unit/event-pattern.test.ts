import { busRulePattern, matchesPattern } from "@crm/local/events";
import { describe, expect, it } from "vitest";

const event = {
  source: "crm.api",
  "detail-type": "deal.stage_changed",
  detail: { orgId: "org_1", record: { type: "deal" }, tags: ["vip", "eu"] },
};

describe("event patterns, as EventBridge matches them", () => {
  it("match literal values at every level, and any element of an array", () => {
    expect(matchesPattern({ source: ["crm.api"], detail: { record: { type: ["deal", "contact"] } } }, event)).toBe(
      true,
    );
    expect(matchesPattern({ detail: { tags: ["eu"] } }, event)).toBe(true);
    expect(matchesPattern({ source: ["other"] }, event)).toBe(false);
    expect(matchesPattern({ detail: { record: { type: ["company"] } } }, event)).toBe(false);
  });

  it("support prefix, suffix, anything-but, exists and equals-ignore-case", () => {
    expect(matchesPattern({ "detail-type": [{ prefix: "deal." }] }, event)).toBe(true);
    expect(matchesPattern({ "detail-type": [{ suffix: "_changed" }] }, event)).toBe(true);
    expect(matchesPattern({ "detail-type": [{ "anything-but": ["deal.created"] }] }, event)).toBe(true);
    expect(matchesPattern({ "detail-type": [{ "anything-but": "deal.stage_changed" }] }, event)).toBe(false);
    expect(matchesPattern({ detail: { orgId: [{ exists: true }], missing: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesPattern({ source: [{ "equals-ignore-case": "CRM.API" }] }, event)).toBe(true);
  });

  it("match a stream record with a Lambda event filter on its raw DynamoDB image", () => {
    const filter = { eventName: ["INSERT"], dynamodb: { NewImage: { __edb_e__: { S: ["auditEntry"] } } } };
    const record = { eventName: "INSERT", dynamodb: { NewImage: { __edb_e__: { S: "auditEntry" } } } };
    expect(matchesPattern(filter, record)).toBe(true);
    expect(matchesPattern(filter, { ...record, eventName: "MODIFY" })).toBe(false);
    expect(
      matchesPattern(filter, { eventName: "INSERT", dynamodb: { NewImage: { __edb_e__: { S: "contact" } } } }),
    ).toBe(false);
  });

  it("turn SST's subscription pattern into EventBridge's (detailType becomes detail-type)", () => {
    expect(busRulePattern({ source: ["crm.api"], detailType: ["deal.created"] })).toEqual({
      source: ["crm.api"],
      "detail-type": ["deal.created"],
    });
  });
});
