import {
  authSettingsName,
  busName,
  cursorSigningKeyName,
  domainEventFailuresQueueName,
  filesBucketName,
  googleSettingsName,
  integrationSettingsName,
  intuitSettingsName,
  oauthStateSigningKeyName,
  tableName as tableResourceName,
  tokenVaultName,
  websocketApiName,
  xeroSettingsName,
} from "@crm/core/declarations";

export type HandlerEnvironmentInput = {
  tableName: string;
  dynamodbEndpoint: string;
  auth: { issuer: string; audience: string; jwks: { keys: object[] } };
  cursorSigningKey: string;
  logLevel?: string;
  /** The local EventBridge stand-in, for functions that publish domain events. */
  bus?: { name: string; endpoint: string };
  /**
   * Let webhooks go to plain http on a loopback address, where local receivers listen (the local cloud's default);
   * false runs the SSRF guard exactly as in AWS.
   */
  allowLoopbackWebhooks?: boolean;
  /** The local SQS stand-in's queue of stream records that never became events, for the table-stream subscriber. */
  domainEventFailuresQueueUrl?: string;
  /** The local WebSocket gateway, for functions that push to its connections. */
  realtime?: { url: string; managementEndpoint: string };
  /** The local KMS stand-in and the key whose data keys seal tokens and signing secrets. */
  tokenVault?: { keyArn: string; kmsEndpoint: string };
  /** The integrations' shared settings: the API's public URL (callbacks, notifications) and the state key. */
  integrations?: { publicApiUrl: string; stateSigningKey: string };
  /** The Google settings; locally every URL points at the fake Google. */
  google?: GoogleSettings;
  /** The QuickBooks Online settings; locally every URL points at the fake Intuit. */
  intuit?: IntuitSettings;
  /** The Xero settings; locally every URL points at the fake Xero. */
  xero?: XeroSettings;
  /** The files' bucket on the S3 stand-in (its name and endpoint), and whether uploads are scanned for malware. */
  files?: { bucketName: string; s3Endpoint: string; malwareScan?: "guardduty" | "local" };
  /**
   * Where the functions append their metrics (EMF records, one JSON line each), which in AWS go to standard output
   * for CloudWatch Logs to extract; standard output when not given.
   */
  metricsFile?: string;
};

/** What `Resource.Intuit` holds. */
export type IntuitSettings = {
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  accountingBaseUrl: string;
  webhookVerifierToken: string;
};

/** What `Resource.Xero` holds. */
export type XeroSettings = {
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  connectionsUrl: string;
  apiBaseUrl: string;
  webhookKey: string;
};

/** What `Resource.Google` holds: the OAuth client, the endpoints and the push subscription's identity. */
export type GoogleSettings = {
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  jwksUrl: string;
  gmailBaseUrl: string;
  calendarBaseUrl: string;
  pubsubTopic: string;
  pushServiceAccount: string;
  pushAudience?: string;
};

/**
 * The environment the handlers read their configuration from, set the way SST sets it in Lambda
 * (`SST_RESOURCE_<Name>` JSON per linked resource), plus the local-only DynamoDB endpoint and dummy credentials
 * (DynamoDB Local accepts any alphanumeric key). The local cloud and the tests both use this one function.
 */
export function handlerEnvironment(input: HandlerEnvironmentInput): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    // As Lambda sets it for functions without provisioned concurrency; Powertools counts cold starts only then.
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    DYNAMODB_ENDPOINT: input.dynamodbEndpoint,
    LOG_LEVEL: input.logLevel ?? "INFO",
    SST_RESOURCE_App: JSON.stringify({ name: "crm", stage: "local" }),
    [`SST_RESOURCE_${tableResourceName}`]: JSON.stringify({ name: input.tableName, type: "sst.aws.Dynamo" }),
    [`SST_RESOURCE_${authSettingsName}`]: JSON.stringify({
      issuer: input.auth.issuer,
      audience: input.auth.audience,
      jwksUri: `${input.auth.issuer}/.well-known/jwks.json`,
      jwks: input.auth.jwks,
      type: "sst.sst.Linkable",
    }),
    [`SST_RESOURCE_${cursorSigningKeyName}`]: JSON.stringify({ value: input.cursorSigningKey, type: "sst.sst.Secret" }),
    WEBHOOKS_ALLOW_LOOPBACK: input.allowLoopbackWebhooks ? "true" : "false",
    ...(input.metricsFile ? { METRICS_FILE: input.metricsFile } : {}),
    ...(input.bus
      ? {
          [`SST_RESOURCE_${busName}`]: JSON.stringify({
            name: input.bus.name,
            arn: `arn:aws:events:us-east-1:000000000000:event-bus/${input.bus.name}`,
            type: "sst.aws.Bus",
          }),
          EVENTBRIDGE_ENDPOINT: input.bus.endpoint,
        }
      : {}),
    ...(input.domainEventFailuresQueueUrl
      ? {
          [`SST_RESOURCE_${domainEventFailuresQueueName}`]: JSON.stringify({
            url: input.domainEventFailuresQueueUrl,
            type: "sst.aws.Queue",
          }),
        }
      : {}),
    ...(input.tokenVault
      ? {
          [`SST_RESOURCE_${tokenVaultName}`]: JSON.stringify({
            keyArn: input.tokenVault.keyArn,
            type: "sst.sst.Linkable",
          }),
          KMS_ENDPOINT: input.tokenVault.kmsEndpoint,
        }
      : {}),
    ...(input.integrations
      ? {
          [`SST_RESOURCE_${integrationSettingsName}`]: JSON.stringify({
            publicApiUrl: input.integrations.publicApiUrl,
            type: "sst.sst.Linkable",
          }),
          [`SST_RESOURCE_${oauthStateSigningKeyName}`]: JSON.stringify({
            value: input.integrations.stateSigningKey,
            type: "sst.sst.Secret",
          }),
        }
      : {}),
    ...(input.google
      ? { [`SST_RESOURCE_${googleSettingsName}`]: JSON.stringify({ ...input.google, type: "sst.sst.Linkable" }) }
      : {}),
    ...(input.intuit
      ? { [`SST_RESOURCE_${intuitSettingsName}`]: JSON.stringify({ ...input.intuit, type: "sst.sst.Linkable" }) }
      : {}),
    ...(input.xero
      ? { [`SST_RESOURCE_${xeroSettingsName}`]: JSON.stringify({ ...input.xero, type: "sst.sst.Linkable" }) }
      : {}),
    ...(input.files
      ? {
          [`SST_RESOURCE_${filesBucketName}`]: JSON.stringify({ name: input.files.bucketName, type: "sst.aws.Bucket" }),
          S3_ENDPOINT: input.files.s3Endpoint,
          FILES_MALWARE_SCAN: input.files.malwareScan ?? "local",
        }
      : {}),
    ...(input.realtime
      ? {
          [`SST_RESOURCE_${websocketApiName}`]: JSON.stringify({
            url: input.realtime.url,
            managementEndpoint: input.realtime.managementEndpoint,
            type: "sst.aws.ApiGatewayWebSocket",
          }),
        }
      : {}),
  };
}
