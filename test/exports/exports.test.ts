import { runExport, startExport } from "@crm/core/export";
import type { LocalS3 } from "@crm/local/s3";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aContact } from "../support/builders";
import { linkLocalS3 } from "../support/files";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

let s3: LocalS3;
beforeAll(async () => {
  s3 = await linkLocalS3();
});
afterAll(() => s3?.close());

const contextOf = (org: TestOrganisation) => ({
  orgId: org.orgId,
  requestId: "test-export",
  actor: { userId: "u", email: org.admin.email, memberId: org.admin.memberId, role: "admin" as const },
});

describe("exporting a list", () => {
  it("writes every contact of the list as CSV, page after page, with the list's own filters, downloadable", async () => {
    const org = await anOrganisation();
    for (let index = 0; index < 230; index++) {
      await aContact(org, {
        firstName: `Zoë ${index}`,
        lastName: "Müller, Jr.",
        emails: [`zoe${index}@example.com`],
        tags: index % 2 === 0 ? ["vip"] : [],
      });
    }
    const context = contextOf(org);
    const started = await startExport(context, { recordType: "contact", format: "csv", filters: { tag: "vip" } });
    expect(started.status).toBe("running");
    const done = await runExport(context, started.id);
    expect(done).toMatchObject({ status: "completed", rows: 115 });
    const response = await fetch(done.download?.url as string);
    expect(response.headers.get("content-disposition")).toContain(".csv");
    const rows = parse(await response.text(), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(115);
    expect(rows[0]).toMatchObject({ lastName: "Müller, Jr.", tags: "vip" });
    expect(Object.keys(rows[0] ?? {})).toEqual(expect.arrayContaining(["id", "firstName", "emails", "createdAt"]));
  }, 120_000);

  it("writes NDJSON, one record per line, and refuses filters the list does not take, at their path", async () => {
    const org = await anOrganisation();
    await aContact(org, { firstName: "Ada", emails: ["ada@example.com"] });
    const context = contextOf(org);
    const done = await runExport(
      context,
      (await startExport(context, { recordType: "contact", format: "ndjson", filters: {} })).id,
    );
    const lines = (await (await fetch(done.download?.url as string)).text()).trim().split("\n");
    expect(lines.map((line) => JSON.parse(line).firstName)).toEqual(["Ada"]);
    await expect(
      startExport(context, { recordType: "deal", format: "csv", filters: { status: "maybe" } }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: "body.filters.status" })],
    });
  });
});
