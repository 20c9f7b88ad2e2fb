import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { busSubscriptions } from "@crm/core/declarations";
import { FileEntity, purgeTrashedFiles } from "@crm/core/file";
import { deliverBucketNotifications, type LocalS3 } from "@crm/local/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal, anActivity } from "../support/builders";
import { startEventPipeline } from "../support/event-pipeline";
import { eventually } from "../support/eventually";
import { anUploadedFile, linkLocalS3, testFilesBucket, uploadTo } from "../support/files";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const quotaBytes = 200_000;
let s3: LocalS3;
let s3Client: S3Client;
let stopNotifications: () => Promise<void>;
// A deleted activity's files are released by the subscriber of its domain event.
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
beforeAll(async () => {
  s3 = await linkLocalS3({ quotaBytes });
  s3Client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
    },
  });
  stopNotifications = deliverBucketNotifications(s3);
  pipeline = await startEventPipeline({ activityFiles: busSubscriptions.activityFiles });
});
afterAll(async () => {
  await pipeline?.stop();
  await stopNotifications?.();
  s3Client?.destroy();
  await s3?.close();
});

const pdf = new TextEncoder().encode(
  "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);
// A Windows program's first bytes: "MZ", then the DOS stub, whatever the file is called.
const exe = new Uint8Array([
  0x4d,
  0x5a,
  0x90,
  0x00,
  0x03,
  0x00,
  0x00,
  0x00,
  0x04,
  0x00,
  0x00,
  0x00,
  0xff,
  0xff,
  ...new Array(200).fill(0),
]);
const eicar = new TextEncoder().encode("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

async function aFileOn(
  org: TestOrganisation,
  dealId: string,
  file: { name: string; contentType: string; size: number },
  token = org.admin.token,
) {
  return invoke("files.create", {
    token,
    params: { orgId: org.orgId },
    body: { ...file, records: [{ type: "deal", id: dealId }] },
  });
}

const fileOf = async (org: TestOrganisation, fileId: string) =>
  (await invoke("files.get", { token: org.admin.token, params: { orgId: org.orgId, fileId } })).body;

const settled = (org: TestOrganisation, fileId: string) =>
  eventually(async () => {
    const file = await fileOf(org, fileId);
    expect(file.status).not.toBe("pending");
    return file;
  });

describe("files on records", () => {
  it("a PDF uploaded to a deal with the presigned POST becomes available and downloads with its name", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const created = await aFileOn(org, deal.id, {
      name: "Angebot Müller.pdf",
      contentType: "application/pdf",
      size: pdf.length,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.file).toMatchObject({ status: "pending", records: [{ type: "deal", id: deal.id }] });
    // The object key is the upload's own business (its POST must name it); the file never shows it.
    expect(JSON.stringify(created.body.file)).not.toContain(created.body.upload.fields.key);
    const uploaded = await uploadTo(created.body.upload, pdf, "Angebot Müller.pdf");
    expect(uploaded.status).toBe(204);
    const file = await settled(org, created.body.file.id);
    expect(file).toMatchObject({ status: "available", contentType: "application/pdf", size: pdf.length });
    // Arrived tagged pending (the lifecycle rule's mark), and the check took it out of the rule's reach.
    const stored = s3.objects(testFilesBucket).find((object) => object.key === created.body.upload.fields.key);
    expect(stored?.tags).toEqual({ "crm-check": "passed" });

    const download = await invoke("files.download", {
      token: (await org.member("viewer")).token,
      params: { orgId: org.orgId, fileId: file.id },
    });
    expect(download.status).toBe(200);
    const got = await fetch(download.body.url);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(pdf);
    expect(got.headers.get("content-disposition")).toBe(
      `attachment; filename="Angebot M_ller.pdf"; filename*=UTF-8''Angebot%20M%C3%BCller.pdf`,
    );
    const listed = await invoke("deals.files", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(listed.body.data.map((each: { id: string }) => each.id)).toEqual([file.id]);
    const usage = await invoke("files.storage", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(usage.body).toMatchObject({ usedBytes: pdf.length, fileCount: 1, quotaBytes });
  });

  it("a program renamed to .pdf is rejected by its bytes, deleted from the bucket and cannot be downloaded", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const created = await aFileOn(org, deal.id, {
      name: "invoice.pdf",
      contentType: "application/pdf",
      size: exe.length,
    });
    expect((await uploadTo(created.body.upload, exe)).status).toBe(204);
    const file = await settled(org, created.body.file.id);
    expect(file).toMatchObject({ status: "rejected", rejectedReason: "type-not-allowed" });
    // Deleted right after the rejection is recorded.
    await eventually(() =>
      expect(s3.objects(testFilesBucket).some((object) => object.key.includes(file.id))).toBe(false),
    );
    const download = await invoke("files.download", {
      token: org.admin.token,
      params: { orgId: org.orgId, fileId: file.id },
    });
    expect(download.status).toBe(409);
    expect(download.body.code).toBe("file-not-available");
    const usage = await invoke("files.storage", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(usage.body.usedBytes).toBe(0);
  });

  it("the malware scan rejects an infected file (the EICAR test file)", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const created = await aFileOn(org, deal.id, { name: "notes.txt", contentType: "text/plain", size: eicar.length });
    await uploadTo(created.body.upload, eicar);
    expect(await settled(org, created.body.file.id)).toMatchObject({ status: "rejected", rejectedReason: "malware" });
  });

  it("S3 itself refuses more bytes than declared, or another type, and the file stays pending", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const created = await aFileOn(org, deal.id, { name: "small.pdf", contentType: "application/pdf", size: 10 });
    const tooBig = await uploadTo(created.body.upload, pdf);
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain("EntityTooLarge");
    const otherType = await uploadTo(
      { ...created.body.upload, fields: { ...created.body.upload.fields, "Content-Type": "text/html" } },
      pdf.slice(0, 10),
    );
    expect(otherType.status).toBe(403);
    expect((await fileOf(org, created.body.file.id)).status).toBe("pending");
  });

  it("refuses a file over the per-file limit or the quota, and writes nothing", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const huge = await aFileOn(org, deal.id, {
      name: "film.pdf",
      contentType: "application/pdf",
      size: 26 * 1024 * 1024,
    });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe("file-too-large");
    const fits = await aFileOn(org, deal.id, { name: "a.pdf", contentType: "application/pdf", size: quotaBytes - 10 });
    expect(fits.status).toBe(201);
    const over = await aFileOn(org, deal.id, { name: "b.pdf", contentType: "application/pdf", size: 11 });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: "storage-quota-exceeded", quotaBytes });
    const listed = await invoke("deals.files", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(listed.body.data).toHaveLength(1);
  });

  it("another organisation's file is a 404, and a tampered or expired download URL is refused by S3", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const created = await aFileOn(org, deal.id, {
      name: "contract.pdf",
      contentType: "application/pdf",
      size: pdf.length,
    });
    await uploadTo(created.body.upload, pdf);
    const file = await settled(org, created.body.file.id);
    const other = await anOrganisation();
    for (const routeId of ["files.get", "files.download", "files.delete"] as const) {
      const response = await invoke(routeId, {
        token: other.admin.token,
        params: { orgId: other.orgId, fileId: file.id },
      });
      expect(response.status, routeId).toBe(404);
    }
    // The deal's file list too, as the deal's own routes; a deal of its own with no file lists none.
    const foreignList = await invoke("deals.files", {
      token: other.admin.token,
      params: { orgId: other.orgId, dealId: deal.id },
    });
    expect(foreignList.status).toBe(404);
    const ownDeal = await aDeal(other);
    const ownList = await invoke("deals.files", {
      token: other.admin.token,
      params: { orgId: other.orgId, dealId: ownDeal.id },
    });
    expect(ownList).toMatchObject({ status: 200, body: { data: [] } });
    const stranger = await aFileOn(other, deal.id, { name: "x.pdf", contentType: "application/pdf", size: 10 });
    expect(stranger.status).toBe(400);
    expect(stranger.body.errors).toEqual([{ path: "body.records.0.id", message: "No such deal." }]);
    const { url } = (
      await invoke("files.download", { token: org.admin.token, params: { orgId: org.orgId, fileId: file.id } })
    ).body;
    const tampered = new URL(url);
    tampered.searchParams.set("response-content-disposition", "inline");
    expect((await fetch(tampered)).status).toBe(403);
    // Signed in 2020 for 5 minutes: long expired (S3 refuses it whichever check comes first).
    const expired = new URL(url);
    expired.searchParams.set("X-Amz-Date", "20200101T000000Z");
    const refused = await fetch(expired);
    expect([400, 403]).toContain(refused.status);
    expect(await refused.text()).not.toContain("%PDF");
  });

  it("is renamed by editors and read by viewers", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const viewer = await org.member("viewer");
    expect(
      (await aFileOn(org, deal.id, { name: "v.pdf", contentType: "application/pdf", size: 5 }, viewer.token)).status,
    ).toBe(403);
    const created = await aFileOn(org, deal.id, {
      name: "draft.pdf",
      contentType: "application/pdf",
      size: pdf.length,
    });
    await uploadTo(created.body.upload, pdf);
    const file = await settled(org, created.body.file.id);
    const renamed = await invoke("files.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, fileId: file.id },
      body: { name: "final.pdf" },
    });
    expect(renamed.body.name).toBe("final.pdf");
    expect(
      (await invoke("files.get", { token: viewer.token, params: { orgId: org.orgId, fileId: file.id } })).body.name,
    ).toBe("final.pdf");
  });

  it("follow their deal to the trash and back; a file also on a company stays there", async () => {
    const org = await anOrganisation();
    const company = await aCompany(org);
    const deal = await aDeal(org, { companyId: company.id });
    const only = await aFileOn(org, deal.id, { name: "deal-only.pdf", contentType: "application/pdf", size: 10 });
    const shared = await invoke("files.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        name: "shared.pdf",
        contentType: "application/pdf",
        size: 10,
        records: [
          { type: "deal", id: deal.id },
          { type: "company", id: company.id },
        ],
      },
    });
    const filesOfDeal = async () =>
      (await invoke("deals.files", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } })).body.data
        .map((file: { name: string }) => file.name)
        .sort();
    expect(await filesOfDeal()).toEqual(["deal-only.pdf", "shared.pdf"]);
    expect(
      (await invoke("deals.delete", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } })).status,
    ).toBe(204);
    expect(
      (await invoke("files.get", { token: org.admin.token, params: { orgId: org.orgId, fileId: only.body.file.id } }))
        .status,
    ).toBe(404);
    expect(await fileOf(org, shared.body.file.id)).toMatchObject({ records: [{ type: "company", id: company.id }] });
    const restored = await invoke("trash.restore", {
      token: org.admin.token,
      params: { orgId: org.orgId, recordId: deal.id },
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(await filesOfDeal()).toEqual(["deal-only.pdf", "shared.pdf"]);
    expect((await fileOf(org, shared.body.file.id)).records).toHaveLength(2);
  });

  it("accept what the organisation's admins allow: narrower types, a lower per-file limit, never above the deployment's", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const settings = (body: unknown) =>
      invoke("files.updateSettings", { token: org.admin.token, params: { orgId: org.orgId }, body });
    const changed = await settings({ allowedTypes: ["application/pdf"], maxFileBytes: 2048 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ allowedTypes: ["application/pdf"], maxFileBytes: 2048 });
    const text = await aFileOn(org, deal.id, { name: "notes.txt", contentType: "text/plain", size: 10 });
    expect(text.status).toBe(400);
    expect(text.body.errors[0].path).toBe("body.contentType");
    const big = await aFileOn(org, deal.id, { name: "big.pdf", contentType: "application/pdf", size: 4096 });
    expect(big.status).toBe(413);
    expect((await settings({ maxFileBytes: 100 * 1024 * 1024 })).status).toBe(400);
    const read = await invoke("files.settings", {
      token: (await org.member("viewer")).token,
      params: { orgId: org.orgId },
    });
    expect(read.body).toMatchObject({ allowedTypes: ["application/pdf"], maxFileBytes: 2048 });
    expect(read.body.supportedTypes).toContain("application/zip");
  });
});

describe("files in the trash", () => {
  const days = 86_400_000;
  /** Runs the purge job as it would run `afterDays` from now. */
  const purgeAsIfIn = (afterDays: number) => purgeTrashedFiles({ at: Date.now() + afterDays * days });

  /** Whether the bucket still holds the object: a HeadObject, 404 once it is deleted. */
  const objectStored = (key: string) =>
    s3Client.send(new HeadObjectCommand({ Bucket: testFilesBucket, Key: key })).then(
      () => true,
      (error: { $metadata?: { httpStatusCode?: number } }) => {
        if (error.$metadata?.httpStatusCode === 404) return false;
        throw error;
      },
    );

  /** An available PDF on the records, uploaded through its presigned POST and checked. */
  async function aPdfOn(org: TestOrganisation, records: { type: string; id: string }[], name = "proposal.pdf") {
    const uploaded = await anUploadedFile(org, records, { name, contentType: "application/pdf", bytes: pdf });
    expect(await settled(org, uploaded.fileId)).toMatchObject({ status: "available" });
    return uploaded;
  }

  const asAdmin = (org: TestOrganisation) => ({ token: org.admin.token });
  const deleteFile = (org: TestOrganisation, fileId: string, token = org.admin.token) =>
    invoke("files.delete", { token, params: { orgId: org.orgId, fileId } });
  const restore = (org: TestOrganisation, recordId: string, token = org.admin.token) =>
    invoke("trash.restore", { token, params: { orgId: org.orgId, recordId } });
  const getFile = (org: TestOrganisation, fileId: string) =>
    invoke("files.get", { ...asAdmin(org), params: { orgId: org.orgId, fileId } });
  const filesOfDeal = async (org: TestOrganisation, dealId: string) =>
    (await invoke("deals.files", { ...asAdmin(org), params: { orgId: org.orgId, dealId } })).body.data.map(
      (file: { id: string }) => file.id,
    );
  const trashOf = async (org: TestOrganisation) =>
    (await invoke("trash.list", { ...asAdmin(org), params: { orgId: org.orgId } })).body.data;
  const usageOf = async (org: TestOrganisation) =>
    (await invoke("files.storage", { ...asAdmin(org), params: { orgId: org.orgId } })).body;

  it("a deleted file is gone from every read, listed in the trash by its name, and restored to its deal downloadable again", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const { fileId } = await aPdfOn(org, [{ type: "deal", id: deal.id }], "Angebot.pdf");

    expect((await deleteFile(org, fileId)).status).toBe(204);

    for (const routeId of ["files.get", "files.download", "files.delete"] as const) {
      const response = await invoke(routeId, { ...asAdmin(org), params: { orgId: org.orgId, fileId } });
      expect(response.status, routeId).toBe(404);
    }
    expect(await filesOfDeal(org, deal.id)).toEqual([]);
    expect(await trashOf(org)).toEqual([
      expect.objectContaining({ type: "file", id: fileId, label: "Angebot.pdf", deletedBy: org.admin.memberId }),
    ]);
    const onlyFiles = await invoke("trash.list", {
      ...asAdmin(org),
      params: { orgId: org.orgId },
      query: { type: "file" },
    });
    expect(onlyFiles.body.data).toHaveLength(1);
    // Still stored, so still counted, until it is purged.
    expect(await usageOf(org)).toMatchObject({ usedBytes: pdf.length, fileCount: 1 });

    const restored = await restore(org, fileId);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body).toMatchObject({
      type: "file",
      record: { id: fileId, name: "Angebot.pdf", records: [{ type: "deal", id: deal.id }] },
    });
    expect(await filesOfDeal(org, deal.id)).toEqual([fileId]);
    expect(await trashOf(org)).toEqual([]);
    const download = await invoke("files.download", { ...asAdmin(org), params: { orgId: org.orgId, fileId } });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await (await fetch(download.body.url)).arrayBuffer())).toEqual(pdf);
  });

  it("deleting a deal trashes its file; 30 days later the purge deletes the file, frees its bytes and deletes its object", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const { fileId, key } = await aPdfOn(org, [{ type: "deal", id: deal.id }]);

    expect(
      (await invoke("deals.delete", { ...asAdmin(org), params: { orgId: org.orgId, dealId: deal.id } })).status,
    ).toBe(204);
    expect((await getFile(org, fileId)).status).toBe(404);
    // In the trash with its deal, not on its own: the deal is what the trash lists and restores.
    expect((await trashOf(org)).map((entry: { id: string }) => entry.id)).toEqual([deal.id]);

    await purgeAsIfIn(29);
    expect(await usageOf(org)).toMatchObject({ usedBytes: pdf.length, fileCount: 1 });
    expect(await objectStored(key)).toBe(true);

    await purgeAsIfIn(31);
    expect((await FileEntity.get({ orgId: org.orgId, fileId }).go({ consistent: true })).data).toBeNull();
    expect(await usageOf(org)).toMatchObject({ usedBytes: 0, fileCount: 0 });
    expect(await objectStored(key)).toBe(false);

    // Idempotent: a later run finds nothing of it left to purge.
    await purgeAsIfIn(32);
    expect(await usageOf(org)).toMatchObject({ usedBytes: 0, fileCount: 0 });
  });

  it("a file restored from the trash is not purged", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const { fileId, key } = await aPdfOn(org, [{ type: "deal", id: deal.id }]);
    await deleteFile(org, fileId);
    expect((await restore(org, fileId)).status).toBe(200);

    await purgeAsIfIn(31);

    expect((await getFile(org, fileId)).status).toBe(200);
    expect(await objectStored(key)).toBe(true);
    expect(await usageOf(org)).toMatchObject({ usedBytes: pdf.length, fileCount: 1 });
  });

  it("a file on a deal and a company survives the deal's deletion and the purge, on the company", async () => {
    const org = await anOrganisation();
    const company = await aCompany(org);
    const deal = await aDeal(org, { companyId: company.id });
    const { fileId, key } = await aPdfOn(org, [
      { type: "deal", id: deal.id },
      { type: "company", id: company.id },
    ]);
    await invoke("deals.delete", { ...asAdmin(org), params: { orgId: org.orgId, dealId: deal.id } });

    await purgeAsIfIn(31);

    expect((await getFile(org, fileId)).body).toMatchObject({ records: [{ type: "company", id: company.id }] });
    expect(await objectStored(key)).toBe(true);
    expect(await usageOf(org)).toMatchObject({ usedBytes: pdf.length, fileCount: 1 });
  });

  it("a file whose records are all deleted stays in the trash until one of them is restored", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const { fileId } = await aPdfOn(org, [{ type: "deal", id: deal.id }]);
    await deleteFile(org, fileId);
    await invoke("deals.delete", { ...asAdmin(org), params: { orgId: org.orgId, dealId: deal.id } });

    const refused = await restore(org, fileId);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("restore-conflict");
    expect((await trashOf(org)).map((entry: { id: string }) => entry.id).sort()).toEqual([deal.id, fileId].sort());

    expect((await restore(org, deal.id)).status).toBe(200);
    expect((await restore(org, fileId)).status).toBe(200);
    expect(await filesOfDeal(org, deal.id)).toEqual([fileId]);
  });

  it("deleting an activity trashes a file on it alone for the purge (not restorable), and a file also on a deal only loses the activity", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const activity = await anActivity(org, { dealIds: [deal.id] });
    const minutes = await aPdfOn(org, [{ type: "activity", id: activity.id }], "minutes.pdf");
    const agenda = await aPdfOn(
      org,
      [
        { type: "activity", id: activity.id },
        { type: "deal", id: deal.id },
      ],
      "agenda.pdf",
    );

    const deleted = await invoke("activities.delete", {
      ...asAdmin(org),
      params: { orgId: org.orgId, activityId: activity.id },
    });
    expect(deleted.status).toBe(204);

    await eventually(async () => {
      expect((await getFile(org, minutes.fileId)).status).toBe(404);
      expect((await getFile(org, agenda.fileId)).body.records).toEqual([{ type: "deal", id: deal.id }]);
    });
    expect(await trashOf(org)).toEqual([]);
    expect((await restore(org, minutes.fileId)).status).toBe(404);

    await purgeAsIfIn(31);

    expect(await objectStored(minutes.key)).toBe(false);
    expect(await objectStored(agenda.key)).toBe(true);
    expect(await usageOf(org)).toMatchObject({ usedBytes: pdf.length, fileCount: 1 });
  });

  it("a file on a contact and its activity comes back with the contact, though the activity was deleted with it", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org);
    const activity = await anActivity(org, { contactIds: [contact.id] });
    const { fileId } = await aPdfOn(org, [
      { type: "contact", id: contact.id },
      { type: "activity", id: activity.id },
    ]);
    const contactParams = { orgId: org.orgId, contactId: contact.id };

    // The activity was on the contact alone, so the contact's deletion deletes it, and its file goes with it.
    expect((await invoke("contacts.delete", { ...asAdmin(org), params: contactParams })).status).toBe(204);
    await eventually(async () => expect((await getFile(org, fileId)).status).toBe(404));

    expect((await restore(org, contact.id)).status).toBe(200);
    expect((await getFile(org, fileId)).body.records).toEqual([{ type: "contact", id: contact.id }]);
    const files = await invoke("contacts.files", { ...asAdmin(org), params: contactParams });
    expect(files.body.data.map((file: { id: string }) => file.id)).toEqual([fileId]);
    await purgeAsIfIn(31);
    expect((await getFile(org, fileId)).status).toBe(200);
  });

  it("members delete and restore files; viewers do neither", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const { fileId } = await aPdfOn(org, [{ type: "deal", id: deal.id }]);
    const viewer = await org.member("viewer");
    const member = await org.member("member");

    expect((await deleteFile(org, fileId, viewer.token)).status).toBe(403);
    expect((await deleteFile(org, fileId, member.token)).status).toBe(204);
    expect((await restore(org, fileId, viewer.token)).status).toBe(403);
    expect((await restore(org, fileId, member.token)).status).toBe(200);
  });

  it("another organisation's file is a 404 to delete and to restore", async () => {
    const org = await anOrganisation();
    const deal = await aDeal(org);
    const { fileId } = await aPdfOn(org, [{ type: "deal", id: deal.id }]);
    const other = await anOrganisation();

    expect((await deleteFile(other, fileId)).status).toBe(404);
    expect((await getFile(org, fileId)).status).toBe(200);
    await deleteFile(org, fileId);
    expect((await restore(other, fileId)).status).toBe(404);
    expect((await restore(org, fileId)).status).toBe(200);
  });
});
