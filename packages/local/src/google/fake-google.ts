import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { demoPeople } from "../seed/demo-data";
import { type FakeRequest, type FakeResponse, type FakeRoute, googleError } from "./fake-google-types";
import {
  type ConsentChoice,
  createFakeOAuth,
  createSigningKeys,
  driveConsent,
  type FakeOAuthClient,
  type FakeOAuthControls,
  googleIssuer,
} from "./oauth";

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
};

export type FakeGoogle = {
  /** The origin every endpoint is served on, e.g. http://127.0.0.1:43123 (the only difference from Google). */
  url: string;
  /** `${url}/oauth2/v3/certs`, Google's JWKS path. */
  jwksUrl: string;
  authority: ReturnType<typeof createFakeOAuth>["authority"];
  oauth: FakeOAuthControls;
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
 * Gmail and Pub/Sub push. Production code reaches it only through its configured base URLs.
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
  const route = composeRoutes([oauth.route]);

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
    consent: (authorizationUrl, choice) => driveConsent(authorizationUrl, choice),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets of clients (fetch keeps them open) would hold close() up.
      server.closeAllConnections();
      await closed;
    },
  };
}
