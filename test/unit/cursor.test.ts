import { decodeCursor, encodeCursor, InvalidCursorError, queryFingerprint } from "@crm/core/platform";
import { describe, expect, it } from "vitest";

describe("pagination cursors", () => {
  const fingerprint = queryFingerprint({ list: "contacts", orgId: "org_a" });

  it("round-trip the position for the query they were issued for", () => {
    const cursor = encodeCursor("electrodb-position", fingerprint);
    expect(cursor).not.toBeNull();
    expect(decodeCursor(cursor ?? undefined, fingerprint)).toBe("electrodb-position");
  });

  it("are null on the last page", () => {
    expect(encodeCursor(null, fingerprint)).toBeNull();
  });

  it("are refused for another query or another organisation", () => {
    const cursor = encodeCursor("position", fingerprint) ?? "";
    const other = queryFingerprint({ list: "contacts", orgId: "org_b" });
    expect(() => decodeCursor(cursor, other)).toThrow(InvalidCursorError);
  });

  it("are refused when tampered with", () => {
    const cursor = encodeCursor("position", fingerprint) ?? "";
    const [body, signature] = cursor.split(".");
    const forged = Buffer.from(JSON.stringify({ p: "other", q: fingerprint })).toString("base64url");
    expect(() => decodeCursor(`${forged}.${signature}`, fingerprint)).toThrow(InvalidCursorError);
    // A different first character, whatever the signature starts with.
    const altered = `${signature?.startsWith("x") ? "y" : "x"}${signature?.slice(1)}`;
    expect(() => decodeCursor(`${body}.${altered}`, fingerprint)).toThrow(InvalidCursorError);
    expect(() => decodeCursor("garbage", fingerprint)).toThrow(InvalidCursorError);
  });
});
