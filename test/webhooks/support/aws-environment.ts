// Imported first by the test files that check what AWS refuses: whatever the worker's environment says, these run
// without the local cloud's loopback allowance (the configuration is read once, on first use).
import { afterAll, vi } from "vitest";

vi.stubEnv("WEBHOOKS_ALLOW_LOOPBACK", "false");

afterAll(() => {
  vi.unstubAllEnvs();
});
