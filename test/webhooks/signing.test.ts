import { maxAttempts, newWebhookSecret, nextAttemptAt, retryDelaysSeconds, signatureHeaders } from "@crm/core/webhook";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

describe("the signer", () => {
  const body = JSON.stringify({ type: "deal.created", timestamp: "2026-11-25T09:30:00.000Z", data: { id: "aud_1" } });
  const sign = (secrets: string[], timestamp = new Date()) =>
    signatureHeaders({ messageId: "aud_01jd8x4k2q7v3m9t5r1w6y8z0a", timestamp, body, secrets });
  const verifies = (secret: string, payload: string, headers: Record<string, string>) => {
    try {
      new Webhook(secret).verify(payload, headers);
      return true;
    } catch {
      return false;
    }
  };

  it("makes secrets in the Standard Webhooks format from 32 random bytes", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it("gives the message id, the time in seconds and a v1 signature that standardwebhooks verifies", () => {
    const secret = newWebhookSecret();
    const headers = sign([secret], new Date("2026-11-25T09:30:00.750Z"));

    expect(headers["webhook-id"]).toBe("aud_01jd8x4k2q7v3m9t5r1w6y8z0a");
    expect(headers["webhook-timestamp"]).toBe(String(Date.parse("2026-11-25T09:30:00Z") / 1000));
    expect(verifies(secret, body, sign([secret]))).toBe(true);
  });

  it("signs with each secret during a rotation, space-separated, so either one verifies", () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = sign([current, previous]);

    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(verifies(current, body, headers)).toBe(true);
    expect(verifies(previous, body, headers)).toBe(true);
    expect(verifies(newWebhookSecret(), body, headers)).toBe(false);
  });

  it("signs the exact bytes: a changed or re-serialised body does not verify", () => {
    const secret = newWebhookSecret();
    const headers = sign([secret]);

    expect(verifies(secret, body.replace("aud_1", "aud_2"), headers)).toBe(false);
    expect(verifies(secret, JSON.stringify(JSON.parse(body), null, 2), headers)).toBe(false);
    expect(verifies(secret, body, { ...headers, "webhook-id": "aud_other" })).toBe(false);
  });
});

describe("the retry schedule", () => {
  const failedAt = new Date("2026-11-25T09:30:00.000Z");
  const delayAfter = (attempts: number, random: number) => {
    const next = nextAttemptAt(attempts, failedAt, () => random);
    return next === null ? null : (next.getTime() - failedAt.getTime()) / 1000;
  };

  it("waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: eight attempts over about 27.6 hours", () => {
    expect(retryDelaysSeconds.map((_, index) => delayAfter(index + 1, 0.5))).toEqual([
      5, 300, 1800, 7200, 18_000, 36_000, 36_000,
    ]);
    expect(maxAttempts).toBe(8);
    expect(retryDelaysSeconds.reduce((sum, delay) => sum + delay, 0) / 3600).toBeCloseTo(27.6, 1);
  });

  it("spreads each delay by up to 10 % either way", () => {
    expect(delayAfter(3, 0)).toBe(1620);
    expect(delayAfter(3, 0.999_999)).toBeCloseTo(1980, 0);
  });

  it("schedules nothing after the last attempt", () => {
    expect(delayAfter(maxAttempts, 0.5)).toBeNull();
  });
});
