import { describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { tokenFor } from "../support/identity";
import { logsOf } from "../support/logs";

// Before the handler modules load, since they read the configuration and the log level once: the configured key
// set holds the signing key marked for encryption, which aws-jwt-verify will not verify signatures with.
vi.hoisted(() => {
  const auth = JSON.parse(process.env.SST_RESOURCE_Auth ?? "{}");
  const keys = auth.jwks.keys.map((key: Record<string, unknown>) => ({ ...key, use: "enc" }));
  process.env.SST_RESOURCE_Auth = JSON.stringify({ ...auth, jwks: { keys } });
  process.env.LOG_LEVEL = "INFO";
});

describe("when the identity provider's keys are misconfigured", () => {
  it("the API answers an opaque 500, logged as an error, instead of calling a good token bad", async () => {
    let response: Awaited<ReturnType<typeof invoke>> | undefined;
    const logs = await logsOf(async () => {
      response = await invoke("orgs.list", { token: tokenFor("someone@example.com") });
    });

    expect(response?.status).toBe(500);
    expect(response?.body).toMatchObject({ code: "internal-error" });
    expect(response?.headers["www-authenticate"]).toBeUndefined();
    expect(JSON.stringify(response?.body)).not.toMatch(/jwk|use|enc/i);

    const failure = logs.find((entry) => entry.message === "request failed");
    expect(failure?.level).toBe("ERROR");
    expect(JSON.stringify(failure?.error)).toMatch(/JWK use not allowed/);
  });
});
