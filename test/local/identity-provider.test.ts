import { spawnSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadOrCreateIdentityProvider, localIdentityDefaults } from "@crm/local/identity";
import { JwtVerifier } from "aws-jwt-verify";
import { describe, expect, it } from "vitest";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const options = (dataDirectory: string) => ({
  dataDirectory,
  issuer: "http://127.0.0.1:3999/local-idp",
  audience: "crm-local",
});

describe("the local identity provider", () => {
  it("creates its key once and reuses it, readable only by its owner", async () => {
    const directory = mkdtempSync(join(tmpdir(), "idp-"));
    const first = await loadOrCreateIdentityProvider(options(directory));
    const second = await loadOrCreateIdentityProvider(options(directory));
    expect(second.jwks).toEqual(first.jwks);
    expect(statSync(join(directory, "identity-provider.json")).mode & 0o077).toBe(0);
    expect(first.jwks.keys[0]).not.toHaveProperty("d");
  });

  it("issues ID tokens that aws-jwt-verify accepts, with a stable subject per email", async () => {
    const idp = await loadOrCreateIdentityProvider(options(mkdtempSync(join(tmpdir(), "idp-"))));
    const verifier = JwtVerifier.create({
      issuer: idp.issuer,
      audience: idp.audience,
      jwksUri: `https://unused.example/jwks.json`,
    });
    verifier.cacheJwks(idp.jwks as Parameters<typeof verifier.cacheJwks>[0]);
    const payload = await verifier.verify(idp.signAccessToken({ email: "Alice@Example.com", name: "Alice" }));
    expect(payload).toMatchObject({ email: "alice@example.com", email_verified: true, name: "Alice", token_use: "id" });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    const again = await verifier.verify(idp.signAccessToken({ email: "alice@example.com" }));
    expect(again.sub).toBe(payload.sub);
  });

  it("serves its JWKS and discovery document under the issuer's path", async () => {
    const idp = await loadOrCreateIdentityProvider(options(mkdtempSync(join(tmpdir(), "idp-"))));
    expect(idp.routes.map((route) => route.pathPrefix)).toEqual(["/local-idp/"]);
    expect(idp.openIdConfiguration()).toMatchObject({
      issuer: idp.issuer,
      jwks_uri: `${idp.issuer}/.well-known/jwks.json`,
    });
  });

  it("derives its issuer from the gateway's port", () => {
    expect(localIdentityDefaults({ PORT: "4100" }).issuer).toBe("http://127.0.0.1:4100/local-idp");
  });

  it("npm run token prints exactly one token and nothing else; bad arguments exit 2", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "packages/local/src/cli/token.ts", ...args], {
        cwd: repositoryRoot,
        encoding: "utf8",
      });
    const ok = run(["--email", "bob@example.com", "--name", "Bob"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const payload = JSON.parse(Buffer.from(ok.stdout.split(".")[1] ?? "", "base64url").toString());
    expect(payload).toMatchObject({ email: "bob@example.com", name: "Bob" });
    const bad = run(["--name", "nobody"]);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
  });
});
