import {
  abandonedUploadDays,
  bucketSubscriptions,
  fileCheckLinks,
  filesBucketName,
  malwareScanSubscription,
  uploadCheckTag,
} from "../packages/core/src/declarations";
import { linkable, linksNamed } from "./links";
import { logicalName } from "./names";
import "./storage";

/** Origins whose browsers may upload with a presigned POST: the web app's, per stage (`FILES_UPLOAD_ORIGINS`). */
const uploadOrigins = (process.env.FILES_UPLOAD_ORIGINS ?? "https://app.crm.example").split(",").filter(Boolean);

/**
 * The organisations' files: private (no public access, HTTPS only), encrypted at rest with S3-managed keys (SSE-S3,
 * S3's default for new objects), CORS for browser uploads from the declared origins only.
 */
export const filesBucket = new sst.aws.Bucket(filesBucketName, {
  enforceHttps: true,
  cors: {
    allowOrigins: uploadOrigins,
    allowMethods: ["POST", "GET"],
    allowHeaders: ["*"],
    exposeHeaders: ["ETag"],
    maxAge: "1 hour",
  },
  // SST's lifecycle rules filter by prefix only: the rule is declared disabled here, and the transform below gives
  // it the tag filter and enables it (if the transform were lost, nothing would expire).
  lifecycle: [{ id: "forget-unchecked-uploads", enabled: false, expiresIn: `${abandonedUploadDays} day` }],
  transform: {
    bucket: (args) => {
      args.forceDestroy = $app.stage !== "production";
    },
    lifecycle: (args) => {
      args.rules = [
        {
          id: "forget-unchecked-uploads",
          status: "Enabled",
          filter: { tag: { key: uploadCheckTag.key, value: uploadCheckTag.pending } },
          expiration: { days: abandonedUploadDays },
        },
        {
          id: "abort-incomplete-uploads",
          status: "Enabled",
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ];
    },
  },
});

linkable(filesBucketName, filesBucket);

// The upload check: S3 invokes it for every object created under the organisations' prefix (SST allows one
// notify per bucket, so every declared subscription goes in it).
filesBucket.notify({
  notifications: Object.entries(bucketSubscriptions).map(([name, subscription]) => ({
    name: logicalName(name),
    function: {
      handler: subscription.handler,
      description: subscription.description,
      timeout: `${subscription.timeoutSeconds} seconds` as const,
      link: linksNamed(fileCheckLinks),
      // GuardDuty Malware Protection for S3 is enabled per bucket outside this app; until it is, the EICAR-only check.
      environment: { FILES_MALWARE_SCAN: process.env.FILES_MALWARE_SCAN ?? "local" },
    },
    events: [...subscription.events],
    filterPrefix: subscription.filterPrefix,
  })),
});

// Where GuardDuty Malware Protection scans the bucket (FILES_MALWARE_SCAN=guardduty at deploy), its results arrive
// on the account's default bus; the check runs again on each, as a file waiting for its verdict is decided then.
if (process.env.FILES_MALWARE_SCAN === "guardduty") {
  const defaultBus = $interpolate`arn:aws:events:${aws.getRegionOutput().region}:${aws.getCallerIdentityOutput().accountId}:event-bus/default`;
  sst.aws.Bus.subscribe(
    logicalName(malwareScanSubscription.name),
    defaultBus,
    {
      handler: malwareScanSubscription.handler,
      description: malwareScanSubscription.description,
      timeout: `${malwareScanSubscription.timeoutSeconds} seconds`,
      link: linksNamed(fileCheckLinks),
      environment: { FILES_MALWARE_SCAN: "guardduty" },
    },
    {
      pattern: {
        source: [...malwareScanSubscription.pattern.source],
        detailType: [...malwareScanSubscription.pattern.detailType],
      },
    },
  );
}
