import { createHash } from "node:crypto";
import type { ResponseContract } from "@crm/core/api";
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
