import {
  authSettingsName,
  busName,
  cursorSigningKeyName,
  domainEventFailuresQueueName,
  googleSettingsName,
  tableName,
  websocketApiName,
} from "@crm/core/declarations";
import {
  busConfig,
  type ConfigSource,
  ConfigurationError,
  googleConfig,
  isLinked,
  once,
  readAuthConfig,
  readBusConfig,
  readConflictRetriesConfig,
  readCursorConfig,
  readDomainEventFailuresConfig,
  readLoggingConfig,
  readRateLimitsConfig,
  readRealtimeConfig,
  readTableConfig,
  readWebhooksConfig,
  runtimeConfigSource,
  runWithLinks,
  tableConfig,
} from "@crm/core/platform";
import { importHandler } from "@crm/local/gateway";
import { describe, expect, it } from "vitest";

/** A function's links and environment: by default linked to the table, the token settings and the cursor key. */
function aSource(
  overrides: { links?: Record<string, Record<string, unknown> | undefined>; variables?: Record<string, string> } = {},
): ConfigSource {
  const links: Record<string, Record<string, unknown> | undefined> = {
    [tableName]: { name: "crm-table" },
    [authSettingsName]: { issuer: "https://idp.example", audience: "crm", jwksUri: "https://idp.example/jwks.json" },
    [cursorSigningKeyName]: { value: "a-cursor-signing-key-long-enough" },
    ...overrides.links,
  };
  const variables = overrides.variables ?? {};
  return { linked: (name) => links[name], variable: (name) => variables[name] || undefined };
}

const failureOf = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return error;
  }
  throw new Error("expected the configuration to be refused");
};

describe("the configuration of each capability", () => {
  it("is read from the function's own links, with the local endpoints when they are set", () => {
    const source = aSource({
      links: {
        [busName]: { name: "crm-bus" },
        [domainEventFailuresQueueName]: { url: "http://127.0.0.1:9324/queue/failures" },
        [websocketApiName]: { managementEndpoint: "https://ws.example/prod" },
      },
      variables: { DYNAMODB_ENDPOINT: "http://127.0.0.1:8000", EVENTBRIDGE_ENDPOINT: "http://127.0.0.1:4010" },
    });

    expect(readTableConfig(source)).toEqual({ name: "crm-table", dynamodbEndpoint: "http://127.0.0.1:8000" });
    expect(readAuthConfig(source)).toEqual({
      issuer: "https://idp.example",
      audience: "crm",
      jwksUri: "https://idp.example/jwks.json",
    });
    expect(readCursorConfig(source)).toEqual({ signingKey: "a-cursor-signing-key-long-enough" });
    expect(readBusConfig(source)).toEqual({ name: "crm-bus", eventBridgeEndpoint: "http://127.0.0.1:4010" });
    expect(readDomainEventFailuresConfig(source)).toEqual({ queueUrl: "http://127.0.0.1:9324/queue/failures" });
    expect(readRealtimeConfig(source)).toEqual({ managementEndpoint: "https://ws.example/prod" });
  });

  it("of a function without the bus link still gives its table, while the bus's names the missing link", () => {
    const source = aSource();

    expect(readTableConfig(source).name).toBe("crm-table");
    expect(() => readBusConfig(source)).toThrow(
      "Invalid configuration: bus: name: missing: the function is not linked to CrmBus",
    );
  });

  it("names the capability and the field of a value that is wrong, and leaves the other capabilities alone", () => {
    const source = aSource({ links: { [cursorSigningKeyName]: { value: "short" } } });

    const failure = failureOf(() => readCursorConfig(source));
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect(failure).toMatchObject({ capability: "cursor" });
    expect((failure as Error).message).toMatch(/^Invalid configuration: cursor: signingKey: /);
    expect(readTableConfig(source).name).toBe("crm-table");
    expect(readAuthConfig(source).issuer).toBe("https://idp.example");
  });

  it("refuses a malformed local endpoint by its field", () => {
    const source = aSource({ variables: { DYNAMODB_ENDPOINT: "not a url" } });

    expect(() => readTableConfig(source)).toThrow(/^Invalid configuration: table: dynamodbEndpoint: /);
  });

  it("of a function not linked to the WebSocket API or the failure queue says so when it is read", () => {
    expect(() => readRealtimeConfig(aSource())).toThrow(
      "Invalid configuration: realtime: managementEndpoint: missing: the function is not linked to Realtime",
    );
    expect(() => readDomainEventFailuresConfig(aSource())).toThrow(
      "Invalid configuration: domain-event failures: queueUrl: missing: the function is not linked to DomainEventFailures",
    );
  });

  it("is parsed once per process, and a capability the function is not linked to does not stop the others", () => {
    // This test process is linked to the table but not to the bus, like an HTTP function.
    expect(tableConfig()).toBe(tableConfig());
    expect(() => busConfig()).toThrow(/^Invalid configuration: bus: name: missing/);
    expect(tableConfig().name).toBeTruthy();
  });
});

describe("where one process runs every function (the local cloud)", () => {
  // This test process is linked to everything the tests need, the table and Google among them.
  const aRouteFunction = {
    functionName: "contacts.get",
    names: new Set([tableName, authSettingsName, cursorSigningKeyName]),
  };
  const anIntegrationFunction = {
    functionName: "integrations.sync",
    names: new Set([...aRouteFunction.names, googleSettingsName]),
  };

  it("a function reads only its own links: one not linked to Google fails on it, though another loaded it first", () => {
    const loaded = googleConfig();
    expect(runWithLinks(anIntegrationFunction, () => googleConfig())).toBe(loaded);
    expect(() => runWithLinks(aRouteFunction, () => googleConfig())).toThrow(
      /^Invalid configuration: google: .*missing: the function is not linked to Google/,
    );
    expect(runWithLinks(aRouteFunction, () => [isLinked(tableName), isLinked(googleSettingsName)])).toEqual([
      true,
      false,
    ]);
    // Unlinked once is not unlinked for ever: the linked function still gets the loaded settings.
    expect(runWithLinks(anIntegrationFunction, () => googleConfig())).toBe(loaded);
    expect(runWithLinks(aRouteFunction, () => tableConfig())).toBe(tableConfig());
  });

  it("what is built once from a configuration is refused to a function not given what it was built from", () => {
    const readGoogle = once(() => runtimeConfigSource.linked(googleSettingsName)?.clientId);
    const client = once(() => ({ clientId: readGoogle() ?? "none" }));
    const built = runWithLinks(anIntegrationFunction, () => client());
    expect(built.clientId).not.toBe("none");
    // Built again as the route function would build it in its own process, not handed the integration's client.
    expect(runWithLinks(aRouteFunction, () => client())).toEqual({ clientId: "none" });
    expect(runWithLinks(anIntegrationFunction, () => client())).toBe(built);
  });

  it("a handler no declaration names is not run", async () => {
    await expect(importHandler("packages/functions/src/platform/metrics.currentInvocation")).rejects.toThrow(
      "No declared function has the handler packages/functions/src/platform/metrics.currentInvocation.",
    );
  });
});

describe("the token settings", () => {
  const jwks = { keys: [{ kty: "RSA", kid: "local", n: "n", e: "AQAB" }] };
  const withKeys = (keys: unknown) =>
    aSource({
      links: {
        [authSettingsName]: {
          issuer: "https://idp.example",
          audience: "crm",
          jwksUri: "https://idp.example/j",
          jwks: keys,
        },
      },
    });

  it("take the local key set as JSON text or as an object", () => {
    expect(readAuthConfig(withKeys(JSON.stringify(jwks))).jwks).toEqual(jwks);
    expect(readAuthConfig(withKeys(jwks)).jwks).toEqual(jwks);
  });

  it("refuse a key set that is not JSON, or not a key set, by its field", () => {
    expect(() => readAuthConfig(withKeys("{not json"))).toThrow(/^Invalid configuration: auth: jwks: not valid JSON/);
    expect(() => readAuthConfig(withKeys(JSON.stringify({ keys: "none" })))).toThrow(
      /^Invalid configuration: auth: jwks\.keys: /,
    );
  });

  it("of a function not linked to them name every missing field", () => {
    expect(() => readAuthConfig(aSource({ links: { [authSettingsName]: undefined } }))).toThrow(
      "Invalid configuration: auth: issuer: missing: the function is not linked to Auth; " +
        "auth: audience: missing: the function is not linked to Auth; " +
        "auth: jwksUri: missing: the function is not linked to Auth",
    );
  });
});

describe("the settings that need no link", () => {
  it("have their defaults when nothing is set", () => {
    const source = aSource();

    expect(readLoggingConfig(source)).toEqual({ level: "INFO" });
    expect(readRateLimitsConfig(source)).toEqual({ windowSeconds: 10, perCaller: 100, perOrganisation: 1000 });
    expect(readConflictRetriesConfig(source)).toEqual({ budgetMilliseconds: 5000 });
    expect(readWebhooksConfig(source)).toEqual({ allowLoopback: false });
  });

  it("take the log level in any case, and refuse one that does not exist", () => {
    expect(readLoggingConfig(aSource({ variables: { LOG_LEVEL: "debug" } }))).toEqual({ level: "DEBUG" });
    expect(() => readLoggingConfig(aSource({ variables: { LOG_LEVEL: "verbose" } }))).toThrow(
      /^Invalid configuration: logging: level: /,
    );
  });

  it("refuse a limit that is not a whole number by its field", () => {
    expect(() => readRateLimitsConfig(aSource({ variables: { RATE_LIMIT_PER_CALLER: "many" } }))).toThrow(
      /^Invalid configuration: rate limits: perCaller: /,
    );
  });

  it("never allow loopback webhooks in Lambda", () => {
    const local = aSource({ variables: { WEBHOOKS_ALLOW_LOOPBACK: "true" } });
    const lambda = aSource({ variables: { WEBHOOKS_ALLOW_LOOPBACK: "true", AWS_LAMBDA_FUNCTION_NAME: "crm-fn" } });

    expect(readWebhooksConfig(local)).toEqual({ allowLoopback: true });
    expect(() => readWebhooksConfig(lambda)).toThrow(
      "Invalid configuration: webhooks: allowLoopback: only for the local cloud, never in Lambda",
    );
  });
});
