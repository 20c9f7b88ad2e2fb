import type { LookupAddress, LookupOptions } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";
import { type ExternalCallOutcome, outcomeOfStatus } from "../../platform/metrics-sink";
import {
  checkWebhookUrl,
  type DestinationPolicy,
  resolveSafeAddress,
  UnsafeDestinationError,
  type WebhookTarget,
} from "./ssrf.guard";

/** How long one attempt may take, from connecting to the end of the response's first kilobyte. */
export const attemptTimeoutMs = 10_000;

/** How much of a response body the delivery log keeps. */
export const responseSnippetBytes = 1024;

export type AttemptResult = {
  /** A 2xx answer; anything else, redirects included, is a failure. */
  ok: boolean;
  responseStatus: number | null;
  latencyMs: number;
  /** The first kilobyte of the response body, as text. */
  responseSnippet: string | null;
  /** Why no answer came: refused destination, DNS, connection, timeout. */
  error: string | null;
  /** The same, for the metrics of external calls. */
  outcome: ExternalCallOutcome;
};

/**
 * The `lookup` the connection uses instead of the system's: it resolves, checks every address and hands back the
 * checked one, so what was checked is what is connected to (a name cannot rebind between check and connect).
 * Native fetch would ignore it (undici does not use http.Agent), hence node:http(s).
 */
function checkedLookup() {
  return (
    host: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolveSafeAddress(host).then(
      ({ address, family }) => (options.all ? callback(null, [{ address, family }]) : callback(null, address, family)),
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

function describeFailure(error: unknown, timeoutMs: number): { error: string; outcome: ExternalCallOutcome } {
  if (error instanceof UnsafeDestinationError) return { error: `Refused: ${error.message}`, outcome: "not-sent" };
  const { name, code, message } = error as NodeJS.ErrnoException;
  if (name === "TimeoutError" || name === "AbortError") {
    return { error: `Timed out after ${timeoutMs / 1000} s.`, outcome: "timeout" };
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ENODATA") {
    return { error: `DNS lookup failed (${code}).`, outcome: "network" };
  }
  return { error: `Connection failed (${code ?? message}).`, outcome: "network" };
}

/**
 * POSTs one signed webhook. Never throws: every outcome, including a refused destination, is an AttemptResult for
 * the delivery log. Redirects are not followed (a 3xx is a failure; the customer should update the URL).
 */
export async function postWebhook(
  target: { url: string; headers: Record<string, string>; body: string },
  policy: DestinationPolicy,
  timeoutMs = attemptTimeoutMs,
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let checked: WebhookTarget;
  try {
    checked = checkWebhookUrl(target.url, policy);
  } catch (error) {
    return {
      ok: false,
      responseStatus: null,
      latencyMs: 0,
      responseSnippet: null,
      ...describeFailure(error, timeoutMs),
    };
  }
  const { url, host } = checked;
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const settle = (result: Omit<AttemptResult, "latencyMs">) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, latencyMs: elapsed() });
    };
    const fail = (error: unknown) =>
      settle({ ok: false, responseStatus: null, responseSnippet: null, ...describeFailure(error, timeoutMs) });

    const outgoing = request(
      {
        protocol: url.protocol,
        host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: {
          ...target.headers,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(target.body)),
          "user-agent": "crm-webhooks/1",
        },
        // A fresh connection per attempt: a pooled socket would skip the checked lookup.
        agent: false,
        lookup: checkedLookup(),
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let received = 0;
        const finish = () => {
          const snippet = Buffer.concat(chunks).subarray(0, responseSnippetBytes);
          settle({
            ok: status >= 200 && status < 300,
            responseStatus: status,
            responseSnippet: snippet.length > 0 ? new TextDecoder().decode(snippet) : null,
            error: null,
            outcome: outcomeOfStatus(status),
          });
        };
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          // The log keeps a kilobyte; reading a large body further would only cost time.
          if (received >= responseSnippetBytes) {
            finish();
            response.destroy();
          }
        });
        response.on("end", finish);
        // An answer whose body breaks off or times out still has its status.
        response.on("error", finish);
        response.on("close", finish);
      },
    );
    outgoing.on("error", fail);
    outgoing.end(target.body);
  });
}
