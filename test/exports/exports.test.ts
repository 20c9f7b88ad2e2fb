import { busSubscriptions } from "@crm/core/declarations";
import type { LocalS3 } from "@crm/local/s3";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact } from "../support/builders";
import { eventually, startEventPipeline } from "../support/event-pipeline";
import { linkLocalS3 } from "../support/files";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

let s3: LocalS3;
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
beforeAll(async () => {
  s3 = await linkLocalS3();
  // A list of one tag reads the tag index, which its subscriber keeps.
  pipeline = await startEventPipeline({ exportRun: busSubscriptions.exportRun, tagIndex: busSubscriptions.tagIndex });
});
afterAll(async () => {
  await pipeline?.stop();
  await s3?.close();
});

async function anExport(org: TestOrganisation, body: Record<string, unknown>) {
  const started = await invoke("exports.create", { token: org.admin.token, params: { orgId: org.orgId }, body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body.status).toBe("running");
  return eventually(async () => {
    const got = await invoke("exports.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, exportId: started.body.id },
    });
    expect(got.body.status).toBe("completed");
    return got.body;
  }, 60_000);
}

describe("exporting a list", () => {
  it("writes every contact of the list as CSV in the background, page after page, with the list's own filters", async () => {
    const org = await anOrganisation();
    for (let index = 0; index < 230; index++) {
      await aContact(org, {
        firstName: `Zoë ${index}`,
        lastName: "Müller, Jr.",
        emails: [`zoe${index}@example.com`],
        tags: index % 2 === 0 ? ["vip"] : [],
      });
    }
    await pipeline.settle();
    const done = await anExport(org, { recordType: "contact", format: "csv", filters: { tag: "vip" } });
    expect(done.rows).toBe(115);
    const response = await fetch(done.download.url);
    expect(response.headers.get("content-disposition")).toContain(".csv");
    const rows = parse(await response.text(), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(115);
    expect(rows[0]).toMatchObject({ lastName: "Müller, Jr.", tags: "vip" });
    expect(Object.keys(rows[0] ?? {})).toEqual(expect.arrayContaining(["id", "firstName", "emails", "createdAt"]));
  }, 120_000);

  it("writes a column per custom field of the record type, named customFields.<key>", async () => {
    const org = await anOrganisation();
    for (const [key, type] of [
      ["renewalDate", "date"],
      ["newsletter", "boolean"],
    ]) {
      const defined = await invoke("customFields.create", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body: { recordType: "company", key, label: key, type },
      });
      expect(defined.status).toBe(201);
    }
    await invoke("companies.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { name: "Initech", customFields: { renewalDate: "2027-03-31" } },
    });

    const done = await anExport(org, { recordType: "company", format: "csv" });

    const rows = parse(await (await fetch(done.download.url)).text(), { columns: true, bom: true }) as Record<
      string,
      string
    >[];
    expect(rows).toEqual([
      expect.objectContaining({
        name: "Initech",
        "customFields.renewalDate": "2027-03-31",
        "customFields.newsletter": "",
      }),
    ]);
    expect(Object.keys(rows[0] ?? {})).not.toContain("customFields");
  }, 60_000);

  it("writes NDJSON, one record per line; filters the list does not take are refused at their path", async () => {
    const org = await anOrganisation();
    await aContact(org, { firstName: "Ada", emails: ["ada@example.com"] });
    const done = await anExport(org, { recordType: "contact", format: "ndjson" });
    const lines = (await (await fetch(done.download.url)).text()).trim().split("\n");
    expect(lines.map((line) => JSON.parse(line).firstName)).toEqual(["Ada"]);
    const refused = await invoke("exports.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { recordType: "deal", filters: { status: "maybe" } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe("body.filters.status");
  });

  it("is for managers and admins, and another organisation's export is a 404", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const byMember = await invoke("exports.create", {
      token: member.token,
      params: { orgId: org.orgId },
      body: { recordType: "contact" },
    });
    expect(byMember.status).toBe(403);
    const done = await anExport(org, { recordType: "company" });
    const other = await anOrganisation();
    const foreign = await invoke("exports.get", {
      token: other.admin.token,
      params: { orgId: other.orgId, exportId: done.id },
    });
    expect(foreign.status).toBe(404);
  });
});
