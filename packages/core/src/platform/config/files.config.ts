import { z } from "zod";
import { defaultMaxFileBytes, defaultStorageQuotaBytes, filesBucketName } from "../../declarations/files";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const filesConfigSchema = z.object({
  /** `Resource.Files.name`: the private bucket of the organisations' files. */
  bucketName: z.string(linkedFrom(filesBucketName)).min(1),
  /** Only the local cloud and the tests set this (`S3_ENDPOINT`): their S3 stand-in, addressed path-style. */
  s3Endpoint: z.url().optional(),
  /**
   * Where the malware scan's verdict comes from: GuardDuty Malware Protection's object tags in AWS; locally a
   * pass-through that flags only the EICAR test file, the antivirus industry's harmless stand-in for a virus.
   */
  malwareScan: z.enum(["guardduty", "local"]).default("local"),
  /** The organisations' storage quota and per-file limit (deployment-wide for now; per organisation later). */
  quotaBytes: z.coerce.number().int().positive().default(defaultStorageQuotaBytes),
  maxFileBytes: z.coerce.number().int().positive().default(defaultMaxFileBytes),
});

export type FilesConfig = z.infer<typeof filesConfigSchema>;

/** The files' configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readFilesConfig(source: ConfigSource): FilesConfig {
  return parseConfig("files", filesConfigSchema, {
    bucketName: source.linked(filesBucketName)?.name,
    s3Endpoint: source.variable("S3_ENDPOINT"),
    malwareScan: source.variable("FILES_MALWARE_SCAN"),
    quotaBytes: source.variable("FILES_QUOTA_BYTES"),
    maxFileBytes: source.variable("FILES_MAX_FILE_BYTES"),
  });
}

/** The files' configuration, parsed once, on first use (the tests link their S3 stand-in once it has started). */
export const filesConfig = once(() => readFilesConfig(runtimeConfigSource));
