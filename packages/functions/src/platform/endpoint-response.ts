import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { ResponseContract, TextDocument } from "@crm/core/api";
import type { BatchOutcome } from "@crm/core/batch";
import { etagOf, noneMatchHolds } from "@crm/core/platform";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { batchResults } from "./batch-results";

/** A strong entity tag of a response body: the same bytes, the same tag. */
const contentTagOf = (body: string) => `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;

/**
 * The answer to a handler's result, as its contract's response declares it: the status, the body (a batch's
 * outcomes become its results) and the ETag and Location headers the contract names, whatever the result holds.
 * Every successful GET has an ETag (a record's version where the contract names one, else a hash of the body), and
 * one whose If-None-Match names it is answered `304 Not Modified` with no body, so a client revalidates its copy
 * of a record or a page without downloading it again.
 */
export function endpointResponse(
  response: ResponseContract,
  event: APIGatewayProxyEventV2,
  result: unknown,
): APIGatewayProxyStructuredResultV2 {
  if (response.status === 204) return { statusCode: 204 };
  if (response.mediaType) return textDocumentResponse(response.mediaType, event, result as TextDocument);
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  const record = result as { id: string; version: number };
  if (response.location) headers.location = `${event.rawPath}/${record.id}`;
  if (response.etag) headers.etag = etagOf(record.version);
  const body = JSON.stringify(
    response.batchEntryStatus
      ? batchResults(event, response.batchEntryStatus, result as BatchOutcome<unknown>[])
      : result,
  );
  if (event.requestContext.http.method === "GET" && response.status === 200) {
    headers.etag ??= contentTagOf(body);
    if (noneMatchHolds(event.headers["if-none-match"], headers.etag)) {
      return { statusCode: 304, headers: { etag: headers.etag } };
    }
  }
  return { statusCode: response.status, headers, body };
}

/**
 * Per document text, its content tag and gzipped body, made once per container: the script is the same string on
 * every request, so neither its 4.7 MB hash nor its compression is repeated (V8 keeps a string's hash for the key).
 */
const encodings = new Map<string, { etag: string; gzipped?: string }>();
/** Below this a document is sent as it is: compressing would save less than it costs. */
const smallestGzipped = 1024;

function encodingsOf(text: string): { etag: string; gzipped?: string } {
  let known = encodings.get(text);
  if (!known) {
    if (encodings.size >= 4) encodings.clear();
    known = { etag: contentTagOf(text) };
    encodings.set(text, known);
  }
  return known;
}

/**
 * A document that is not JSON (the reference page, its script): its own media type and headers, the same
 * ETag and 304 as every GET, and gzip when the client accepts it, which also keeps Scalar's 4.7 MB script (1.4 MB
 * gzipped, base64 in Lambda's answer) under Lambda's 6 MB response limit.
 */
function textDocumentResponse(
  mediaType: string,
  event: APIGatewayProxyEventV2,
  document: TextDocument,
): APIGatewayProxyStructuredResultV2 {
  const known = encodingsOf(document.text);
  const { etag } = known;
  if (noneMatchHolds(event.headers["if-none-match"], etag)) return { statusCode: 304, headers: { etag } };
  const headers: Record<string, string> = {
    "content-type": `${mediaType}; charset=utf-8`,
    etag,
    vary: "accept-encoding",
    ...document.headers,
  };
  const acceptsGzip = /\bgzip\b/i.test(event.headers["accept-encoding"] ?? "");
  if (!acceptsGzip || document.text.length < smallestGzipped) return { statusCode: 200, headers, body: document.text };
  known.gzipped ??= gzipSync(document.text).toString("base64");
  return {
    statusCode: 200,
    headers: { ...headers, "content-encoding": "gzip" },
    body: known.gzipped,
    isBase64Encoded: true,
  };
}
