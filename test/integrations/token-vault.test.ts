import { open, SealedSecretError, seal } from "@crm/core/vault";
import { describe, expect, it } from "vitest";

describe("the token vault", () => {
  const connection = { orgId: "org_a", connectionId: "int_a", token: "refresh" };

  it("opens what it sealed, with the context it was sealed with", async () => {
    const sealed = await seal("1//refresh-token", connection);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain("refresh-token");
    expect(await open(sealed, connection)).toBe("1//refresh-token");
  });

  it("seals the same secret differently each time (a fresh data key and IV)", async () => {
    expect(await seal("same", connection)).not.toBe(await seal("same", connection));
  });

  it("does not open a ciphertext copied to another connection or organisation", async () => {
    const sealed = await seal("1//refresh-token", connection);
    await expect(open(sealed, { ...connection, connectionId: "int_b" })).rejects.toBeInstanceOf(SealedSecretError);
    await expect(open(sealed, { ...connection, orgId: "org_b" })).rejects.toBeInstanceOf(SealedSecretError);
    await expect(open(sealed, { ...connection, token: "access" })).rejects.toBeInstanceOf(SealedSecretError);
  });

  it("refuses a tampered ciphertext", async () => {
    const parts = (await seal("1//refresh-token", connection)).split(".");
    const body = Buffer.from(parts[4] as string, "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString("base64url");
    await expect(open(parts.join(".") as never, connection)).rejects.toBeInstanceOf(SealedSecretError);
  });
});
