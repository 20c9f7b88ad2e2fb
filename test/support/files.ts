import { type LocalS3, startLocalS3 } from "@crm/local/s3";
import { invoke } from "./api-events";

/** The bucket the tests' S3 stand-in holds, linked as `Resource.Files`. */
export const testFilesBucket = "crm-test-files";

/**
 * Starts an S3 stand-in that checks signatures with the handlers' own (dummy) credentials, and links it as the
 * files' bucket, as the local cloud does. Before the first file call of the test file: the configuration is read once.
 */
export async function linkLocalS3(
  options: { malwareScan?: "guardduty" | "local"; quotaBytes?: number } = {},
): Promise<LocalS3> {
  const s3 = await startLocalS3({
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
    },
    region: process.env.AWS_REGION ?? "us-east-1",
    buckets: [testFilesBucket],
  });
  process.env.SST_RESOURCE_Files = JSON.stringify({ name: testFilesBucket, type: "sst.aws.Bucket" });
  process.env.S3_ENDPOINT = s3.endpoint;
  process.env.FILES_MALWARE_SCAN = options.malwareScan ?? "local";
  if (options.quotaBytes) process.env.FILES_QUOTA_BYTES = String(options.quotaBytes);
  return s3;
}

/** Posts a file to a presigned POST as a browser form would: the fields first, the file last. */
export async function uploadTo(
  upload: { url: string; fields: Record<string, string> },
  bytes: Uint8Array,
  fileName = "upload.bin",
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([bytes]), fileName);
  return fetch(upload.url, { method: "POST", body: form });
}

/**
 * A file on records, uploaded through its presigned POST as a browser would: `{ fileId, key }` (the object's key,
 * from the upload's own fields). It is checked by whatever delivers the bucket's notifications in the test file.
 */
export async function anUploadedFile(
  org: { orgId: string; admin: { token: string } },
  records: { type: string; id: string }[],
  file: { name: string; contentType: string; bytes: Uint8Array },
): Promise<{ fileId: string; key: string }> {
  const created = await invoke("files.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { name: file.name, contentType: file.contentType, size: file.bytes.length, records },
  });
  if (created.status !== 201) throw new Error(`files.create: ${JSON.stringify(created.body)}`);
  const uploaded = await uploadTo(created.body.upload, file.bytes, file.name);
  if (uploaded.status !== 204) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
  return { fileId: created.body.file.id, key: created.body.upload.fields.key };
}
