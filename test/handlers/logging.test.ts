import { afterEach, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation } from "../support/organisations";

// Before the handler modules load: their logger reads the level once, at cold start.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "INFO";
});

describe("request logs", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("are JSON lines with the request id, route and tenant, and carry no token or personal data", async () => {
    const { orgId, admin } = await anOrganisation();
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture as typeof process.stdout.write);
    vi.spyOn(process.stderr, "write").mockImplementation(capture as typeof process.stderr.write);

    const created = await invoke("contacts.create", {
      token: admin.token,
      params: { orgId },
      body: { firstName: "Secret", lastName: "Person", emails: ["secret.person@example.com"] },
    });
    const refused = await invoke("contacts.create", { token: admin.token, params: { orgId }, body: { nope: 1 } });

    const output = lines.join("");
    const entries = output
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line));
    expect(entries.length).toBeGreaterThanOrEqual(2);
    const served = entries.find((entry) => entry.message === "request served");
    expect(served).toMatchObject({ route: "contacts.create", orgId, status: 201 });
    expect(served.requestId).toEqual(expect.any(String));
    expect(entries.find((entry) => entry.message === "request refused")).toMatchObject({ status: 400 });
    expect(created.status).toBe(201);
    expect(refused.status).toBe(400);
    for (const secret of [admin.token, admin.email, "secret.person@example.com", "Secret"]) {
      expect(output).not.toContain(secret);
    }
  });
});
