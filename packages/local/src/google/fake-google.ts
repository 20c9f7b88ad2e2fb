import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { demoPeople } from "../seed/demo-data";
import { accountPermissionsPage } from "./account-page";
import { createFakeCalendar, demoCalendars, type FakeCalendar, type FakeCalendarOptions } from "./calendar";
import { demoMailboxes } from "./demo-mailboxes";
import {
  type FakeGoogleAuthority,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
  googleError,
} from "./fake-google-types";
import { createFakeGmail, type FakeGmailControls, type FakeGmailOptions } from "./gmail";
import {
  type ConsentChoice,
  createFakeOAuth,
  createSigningKeys,
  driveConsent,
  type FakeOAuthClient,
  type FakeOAuthControls,
  googleIssuer,
} from "./oauth";
import { createFakePubSub, type FakePubSubControls, type FakePubSubOptions, type PushEndpoint } from "./pubsub";

export type FakeGoogleOptions = {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  clients: FakeOAuthClient[];
  /** The Google accounts that can sign in; default: the demo people (alice, bob, victor), with seeded mailboxes. */
  accounts?: { email: string; name: string }[];
  /** The `iss` of ID tokens; default "https://accounts.google.com". */
  issuer?: string;
  rotateRefreshTokens?: boolean;
  /** Refresh tokens expire after this long, as a Testing-mode app's do (7 days); default: never. */
  refreshTokenLifetimeSeconds?: number;
  /** The fake's clock in epoch milliseconds; tests can move it (expiry of codes, tokens, watches and history). */
  now?: () => number;
  /** Seed the demo people's mailboxes (`demoMailboxes()`) when they are among the accounts; default true. */
  seedMailboxes?: boolean;
  /** Seed the demo people's primary calendars (`demoCalendars()`) when they are among the accounts; default true. */
  seedCalendars?: boolean;
  /** Calendar notification retries and timeout. */
  calendar?: Pick<FakeCalendarOptions, "notificationRetryDelaysMs" | "notificationTimeoutMs">;
  /** Gmail knobs: history retention, watch lifetime, the one-notification-a-second cap, the per-user quota. */
  gmail?: Pick<
    FakeGmailOptions,
    "historyRetentionMs" | "watchTtlMs" | "notificationIntervalMs" | "quotaUnitsPerUserMinute"
  >;
  /** The `email` claim of push tokens: the push subscription's service account. */
  pushServiceAccount?: string;
  /** Push subscriptions to start with (more with `pubsub.pushTo`). */
  pushEndpoints?: PushEndpoint[];
  /** Push retries and ack deadline (default 5 attempts, 100 ms doubling to at most 5 s, 10 s deadline). */
  push?: Pick<FakePubSubOptions, "retry" | "ackDeadlineMs">;
};

export type FakeGoogle = {
  /** The origin every endpoint is served on, e.g. http://127.0.0.1:43123 (the only difference from Google). */
  url: string;
  /** `${url}/oauth2/v3/certs`, Google's JWKS path. */
  jwksUrl: string;
  authority: FakeGoogleAuthority;
  oauth: FakeOAuthControls;
  gmail: FakeGmailControls;
  pubsub: FakePubSubControls;
  /** The Calendar module (calendar.ts): its controls, and the route this server mounts. */
  calendar: FakeCalendar;
  /** Drives the consent page like a browser and returns the redirect's Location without following it. */
  consent(authorizationUrl: string, choice: ConsentChoice): Promise<string>;
  close(): Promise<void>;
};

const maxBodyBytes = 1024 * 1024;

function readRequestBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function writeResponse(response: ServerResponse, answer: FakeResponse) {
  const headers: Record<string, string> = { ...answer.headers };
  let body = "";
  if (answer.json !== undefined) {
    body = JSON.stringify(answer.json);
    headers["content-type"] ??= "application/json; charset=UTF-8";
  } else if (answer.text !== undefined) {
    body = answer.text;
    headers["content-type"] ??= "text/plain; charset=UTF-8";
  }
  response.writeHead(answer.status, headers);
  response.end(body);
}

/** Asks each module in turn; the first answer wins. Unknown paths get Google's plain 404. */
export function composeRoutes(routes: FakeRoute[]): FakeRoute {
  return async (request) => {
    for (const route of routes) {
      const answer = await route(request);
      if (answer) return answer;
    }
    return undefined;
  };
}

/**
 * A fake Google on one local origin: OAuth 2.0 / OpenID Connect (consent page, token, revoke, JWKS, tokeninfo),
 * Gmail, Calendar and Pub/Sub push. Production code reaches it only through its configured base URLs.
 */
export async function startFakeGoogle(options: FakeGoogleOptions): Promise<FakeGoogle> {
  const now = options.now ?? Date.now;
  const accounts = options.accounts ?? Object.values(demoPeople).map(({ email, name }) => ({ email, name }));
  const keys = createSigningKeys();
  const oauth = createFakeOAuth({
    clients: options.clients,
    accounts,
    issuer: options.issuer ?? googleIssuer,
    rotateRefreshTokens: options.rotateRefreshTokens,
    refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds,
    now,
    keys,
  });
  const pubsub = createFakePubSub({
    sign: keys.sign,
    now,
    pushServiceAccount: options.pushServiceAccount,
    ...options.push,
  });
  for (const endpoint of options.pushEndpoints ?? []) pubsub.controls.pushTo(endpoint);
  const emails = accounts.map((account) => account.email.trim().toLowerCase());
  const seed = options.seedMailboxes === false ? {} : demoMailboxes(now());
  const gmail = createFakeGmail(oauth.authority, {
    accounts: emails,
    seed: Object.fromEntries(Object.entries(seed).filter(([email]) => emails.includes(email))),
    ...options.gmail,
    publish: (topicName, data) => {
      pubsub.controls.publish(topicName, data);
    },
  });
  const calendarSeed = options.seedCalendars === false ? {} : demoCalendars(now());
  const calendar = createFakeCalendar(oauth.authority, {
    seed: Object.fromEntries(Object.entries(calendarSeed).filter(([email]) => emails.includes(email))),
    ...options.calendar,
  });
  const route = composeRoutes([oauth.route, gmail.route, calendar.route, accountPermissionsPage(oauth.controls)]);

  const server = createServer(async (request, response) => {
    try {
      const body = await readRequestBody(request);
      if (body === undefined) {
        return writeResponse(response, googleError(413, "requestTooLarge", "Request Entity Too Large"));
      }
      const fakeRequest: FakeRequest = {
        method: request.method ?? "GET",
        url: new URL(request.url ?? "/", `http://${request.headers.host ?? "127.0.0.1"}`),
        headers: request.headers,
        body,
      };
      const answer = await route(fakeRequest);
      writeResponse(
        response,
        answer ?? {
          status: 404,
          headers: { "content-type": "text/html; charset=UTF-8" },
          text: `<!DOCTYPE html><title>Error 404 (Not Found)</title><p><b>404.</b> That's an error.</p><p>The requested URL <code>${fakeRequest.url.pathname.replace(/[<>&"]/g, "")}</code> was not found on this server.</p>`,
        },
      );
    } catch (error) {
      writeResponse(response, googleError(500, "backendError", `Backend Error (${String(error)})`));
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;

  return {
    url,
    jwksUrl: `${url}/oauth2/v3/certs`,
    authority: oauth.authority,
    oauth: oauth.controls,
    gmail: gmail.controls,
    pubsub: pubsub.controls,
    calendar,
    consent: (authorizationUrl, choice) => driveConsent(authorizationUrl, choice),
    close: async () => {
      await Promise.all([pubsub.stop(), calendar.close()]);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets of clients (fetch keeps them open) would hold close() up.
      server.closeAllConnections();
      await closed;
    },
  };
}
