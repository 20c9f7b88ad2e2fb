import type { ResponseContract } from "@crm/core/api";
import type { BatchOutcome } from "@crm/core/batch";
import { etagOf } from "@crm/core/platform";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { batchResults } from "./batch-results";

/**
 * The answer to a handler's result, as its contract's response declares it: the status, the body (a batch's
 * outcomes become its results) and the ETag and Location headers the contract names, whatever the result holds.
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
  const body = response.batchEntryStatus
    ? batchResults(event, response.batchEntryStatus, result as BatchOutcome<unknown>[])
    : result;
  return { statusCode: response.status, headers, body: JSON.stringify(body) };
}
