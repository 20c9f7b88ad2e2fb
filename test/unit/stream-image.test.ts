import { itemOfStreamImage } from "@crm/core/platform";
import { describe, expect, it } from "vitest";

describe("a table-stream image", () => {
  it("decodes an empty map as DynamoDB renders it and as DynamoDB Local's stream does (untyped), also nested", () => {
    const asDynamoDb = {
      address: { M: {} },
      changes: { L: [{ M: { field: { S: "address" }, after: { M: {} } } }] },
    };
    const asDynamoDbLocal = {
      address: {},
      changes: { L: [{ M: { field: { S: "address" }, after: {} } }] },
    };
    const expected = { address: {}, changes: [{ field: "address", after: {} }] };
    expect(itemOfStreamImage(asDynamoDb)).toEqual(expected);
    expect(itemOfStreamImage(asDynamoDbLocal as never)).toEqual(expected);
  });

  it("still refuses a value it cannot read", () => {
    expect(() => itemOfStreamImage({ broken: { Z: "?" } } as never)).toThrow();
  });
});
