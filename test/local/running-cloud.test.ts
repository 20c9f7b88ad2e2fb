import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordRunningCloud, runningCloud, targetCloud } from "@crm/local/cloud";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

describe("the CLIs find the running local cloud", () => {
  let dataDirectory: string;
  beforeEach(() => {
    dataDirectory = mkdtempSync(join(tmpdir(), "crm-running-cloud-"));
  });
  afterEach(() => rmSync(dataDirectory, { recursive: true, force: true }));

  const onPort = (port: number, pid = process.pid) => ({
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    issuer: `http://127.0.0.1:${port}/local-idp`,
    audience: "crm-local",
  });

  it("started on another port: tokens are for its issuer, with nothing to set", () => {
    recordRunningCloud(dataDirectory, onPort(3100));
    expect(targetCloud(dataDirectory, {})).toMatchObject({
      url: "http://127.0.0.1:3100",
      issuer: "http://127.0.0.1:3100/local-idp",
      note: null,
    });
  });

  it("none running: the default cloud, with a note saying so and what to set", () => {
    expect(targetCloud(dataDirectory, {})).toMatchObject({
      issuer: "http://127.0.0.1:3000/local-idp",
      note: "Note: no local cloud is running; this is for one on port 3000 (set PORT for another).",
    });
  });

  it("one whose process is gone does not count", () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    recordRunningCloud(dataDirectory, onPort(3100, gone));
    expect(runningCloud(dataDirectory)).toBeNull();
    expect(targetCloud(dataDirectory, {}).issuer).toBe("http://127.0.0.1:3000/local-idp");
  });

  it("PORT names the cloud, and a running one elsewhere is pointed out", () => {
    recordRunningCloud(dataDirectory, onPort(3100));
    expect(targetCloud(dataDirectory, { PORT: "3200" })).toMatchObject({
      issuer: "http://127.0.0.1:3200/local-idp",
      note: "Note: PORT=3200 is set, but the running local cloud is on port 3100.",
    });
  });

  it("a stopped cloud forgets its record", () => {
    const record = recordRunningCloud(dataDirectory, onPort(3100));
    record.forget();
    expect(runningCloud(dataDirectory)).toBeNull();
  });
});
