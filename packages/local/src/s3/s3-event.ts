import type { StoredObject } from "./object-store";

export type ObjectCreatedEventName = "ObjectCreated:Put" | "ObjectCreated:Post" | "ObjectCreated:Copy";

/** One record of an S3 event notification, as S3 delivers it to a Lambda subscriber (event version 2.1). */
export type S3EventRecord = {
  eventVersion: "2.1";
  eventSource: "aws:s3";
  awsRegion: string;
  eventTime: string;
  eventName: ObjectCreatedEventName;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { "x-amz-request-id": string; "x-amz-id-2": string };
  s3: {
    s3SchemaVersion: "1.0";
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size: number; eTag: string; sequencer: string };
  };
};

export type S3Event = { Records: S3EventRecord[] };

/**
 * A key as S3 writes it in event notifications: form-encoded (a space is `+`), with `/` kept. A subscriber decodes it
 * with `decodeURIComponent(key.replaceAll("+", " "))`, as one must in AWS.
 */
export function eventKey(key: string): string {
  return [...Buffer.from(key, "utf8")]
    .map((byte) => {
      const character = String.fromCharCode(byte);
      if (/[A-Za-z0-9.\-_*/]/.test(character)) return character;
      if (character === " ") return "+";
      return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

let sequence = 0n;

/** S3's sequencer: a hex string that grows with each event on a key, for ordering events of one key. */
function nextSequencer(): string {
  sequence += 1n;
  return ((BigInt(Date.now()) << 20n) | (sequence & 0xfffffn)).toString(16).toUpperCase().padStart(18, "0");
}

export function objectCreatedEvent(input: {
  eventName: ObjectCreatedEventName;
  region: string;
  bucket: string;
  object: StoredObject;
  principalId: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
}): S3Event {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: input.region,
        eventTime: new Date().toISOString(),
        eventName: input.eventName,
        userIdentity: { principalId: input.principalId },
        requestParameters: { sourceIPAddress: input.sourceIp },
        responseElements: { "x-amz-request-id": input.requestId, "x-amz-id-2": input.hostId },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "local-s3-object-created",
          bucket: {
            name: input.bucket,
            ownerIdentity: { principalId: input.principalId },
            arn: `arn:aws:s3:::${input.bucket}`,
          },
          object: {
            key: eventKey(input.object.key),
            size: input.object.body.length,
            // Unquoted in events, unlike the ETag header.
            eTag: input.object.etag.replaceAll('"', ""),
            sequencer: nextSequencer(),
          },
        },
      },
    ],
  };
}
