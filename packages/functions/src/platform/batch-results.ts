import type { BatchOutcome } from "@crm/core/batch";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { logger } from "./logger";
import { type ProblemDetails, problemDetails, problemOf } from "./problem-responses";

export type BatchResult<T> = { index: number; status: number; data?: T; error?: ProblemDetails };

/**
 * The body of a batch response: per entry, in the order given, the status its own request would have answered
 * and the record or the problem, mapped exactly as the error middleware maps a whole request's error. The batch
 * itself answers 200 whatever its entries did: it ran, and each result carries its own status.
 */
export function batchResults<T>(
  event: APIGatewayProxyEventV2,
  successStatus: 200 | 201,
  outcomes: BatchOutcome<T>[],
): { results: BatchResult<T>[]; succeeded: number; failed: number } {
  const results = outcomes.map(({ index, ...outcome }): BatchResult<T> => {
    if (outcome.ok) return { index, status: successStatus, data: outcome.value };
    const error = problemDetails(event, problemOf(outcome.error));
    if (error.status >= 500) logger.error("batch entry failed", { index, error: outcome.error as Error });
    return { index, status: error.status, error };
  });
  const succeeded = results.filter((result) => result.status < 300).length;
  logger.info("batch ran", { succeeded, failed: results.length - succeeded });
  return { results, succeeded, failed: results.length - succeeded };
}
