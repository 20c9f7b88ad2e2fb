import { z } from "zod";
import { filesBucketName } from "../../declarations/files";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const filesConfigSchema = z.object({
  /** `Resource.Files.name`: the private bucket of the organisations' files. */
  bucketName: z.string(linkedFrom(filesBucketName)).min(1),
  /** Only the local cloud and the tests set this (`S3_ENDPOINT`): their S3 stand-in, addressed path-style. */
  s3Endpoint: z.url().optional(),
  /** Where the malware scan's verdict comes from: GuardDuty's object tags in AWS, none (pass) locally. */
  malwareScan: z.enum(["guardduty", "none"]).default("none"),
});

export type FilesConfig = z.infer<typeof filesConfigSchema>;

/** The files' configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readFilesConfig(source: ConfigSource): FilesConfig {
  return parseConfig("files", filesConfigSchema, {
    bucketName: source.linked(filesBucketName)?.name,
    s3Endpoint: source.variable("S3_ENDPOINT"),
    malwareScan: source.variable("FILES_MALWARE_SCAN"),
  });
}

/** The files' configuration, parsed once, on first use (the tests link their S3 stand-in once it has started). */
export const filesConfig = once(() => readFilesConfig(runtimeConfigSource));
