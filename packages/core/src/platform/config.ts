import { Resource } from "sst/resource";
import { z } from "zod";
import { busName, domainEventFailuresQueueName } from "../declarations/events";
import { tableName } from "../declarations/table";
import { websocketApiName } from "../declarations/websocket";

/**
 * Runtime configuration, parsed once at cold start and validated, so a misconfigured function fails fast instead of
 * on its first request. In AWS the values come from SST links (`Resource.*`); the local cloud and the tests provide
 * the same `SST_RESOURCE_*` variables, plus `DYNAMODB_ENDPOINT` to point the SDK at DynamoDB Local.
 */
const configSchema = z.object({
  tableName: z.string().min(3),
  dynamodbEndpoint: z.url().optional(),
  auth: z.object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    jwksUri: z.string().min(1),
    /** Only the local cloud sets this: the local identity provider's public keys, fed to the verifier directly. */
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  }),
  cursorSigningKey: z.string().min(16),
  /** The domain-event bus, for functions linked to it. */
  busName: z.string().min(1).optional(),
  /** Only the local cloud sets this: its EventBridge stand-in. */
  eventBridgeEndpoint: z.url().optional(),
  /** The queue of stream records that never became events, for the table-stream subscriber (linked to it). */
  domainEventFailuresQueueUrl: z.url().optional(),
  /** The WebSocket API, for functions that push to its connections (linked to it). */
  realtime: z.object({ managementEndpoint: z.url() }).optional(),
  logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR", "SILENT"]).default("INFO"),
  /** Requests per window per caller (in an organisation) and per organisation; RATE_LIMIT_* override them. */
  rateLimits: z
    .object({
      windowSeconds: z.coerce.number().int().min(1).max(3600).default(10),
      perCaller: z.coerce.number().int().min(1).default(100),
      perOrganisation: z.coerce.number().int().min(1).default(1000),
    })
    .prefault({}),
  /**
   * How long a write that lost a race keeps retrying on fresh data before answering 409: a few seconds, well within
   * the functions' 10-second timeout. CONFLICT_RETRY_BUDGET_MS overrides it (the tests' DynamoDB Local is far slower).
   */
  conflictRetryBudgetMilliseconds: z.coerce.number().int().min(0).default(5_000),
  /**
   * Only the local cloud and the tests set this (`WEBHOOKS_ALLOW_LOOPBACK=true`): webhooks may then go to plain
   * http on 127.0.0.1, where their receivers listen. Never in AWS, where loopback is the Lambda runtime API.
   */
  webhooksAllowLoopback: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true")
    .refine(
      (allowed) => !allowed || !process.env.AWS_LAMBDA_FUNCTION_NAME,
      "Only for the local cloud, never in Lambda.",
    ),
});

export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

const logLevelSchema = z.enum(["DEBUG", "INFO", "WARN", "ERROR", "SILENT"]).default("INFO");

/**
 * Only the log level, for the logger, which every function has, also the public ones that are linked to nothing
 * else (so the full configuration, which needs the table and the token settings, would fail there).
 */
export function logLevel(): z.infer<typeof logLevelSchema> {
  return cached?.logLevel ?? logLevelSchema.catch("INFO").parse(process.env.LOG_LEVEL?.toUpperCase() || undefined);
}

/** The validated configuration; throws a descriptive error on the first call if anything is missing. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

function loadConfig(): Config {
  const resources = Resource as unknown as Record<string, Record<string, unknown> | undefined>;
  const read = (name: string) => {
    try {
      return resources[name];
    } catch {
      return undefined; // SST throws for unlinked names; the schema reports them below
    }
  };
  const auth = read("Auth");
  const realtime = read(websocketApiName);
  const result = configSchema.safeParse({
    tableName: read(tableName)?.name,
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    auth: auth && {
      issuer: auth.issuer,
      audience: auth.audience,
      jwksUri: auth.jwksUri,
      jwks: typeof auth.jwks === "string" ? JSON.parse(auth.jwks) : auth.jwks,
    },
    cursorSigningKey: read("CursorSigningKey")?.value,
    busName: read(busName)?.name,
    eventBridgeEndpoint: process.env.EVENTBRIDGE_ENDPOINT || undefined,
    domainEventFailuresQueueUrl: read(domainEventFailuresQueueName)?.url,
    realtime: realtime && { managementEndpoint: realtime.managementEndpoint },
    logLevel: process.env.LOG_LEVEL?.toUpperCase() || undefined,
    rateLimits: {
      windowSeconds: process.env.RATE_LIMIT_WINDOW_SECONDS || undefined,
      perCaller: process.env.RATE_LIMIT_PER_CALLER || undefined,
      perOrganisation: process.env.RATE_LIMIT_PER_ORGANISATION || undefined,
    },
    conflictRetryBudgetMilliseconds: process.env.CONFLICT_RETRY_BUDGET_MS || undefined,
    webhooksAllowLoopback: process.env.WEBHOOKS_ALLOW_LOOPBACK || undefined,
  });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join("; ")}`);
  }
  return result.data;
}
