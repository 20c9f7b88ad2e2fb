import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { logger } from "./logger";
import { measuredExecution } from "./metrics";

/**
 * Where every trigger kind's handler starts: each log line carries the Lambda context (function, request id, cold
 * start), and the keys an invocation appends (event, tenant) are reset after it, so none leaks into the next. Each
 * invocation's metrics (DynamoDB calls, cache hits, memory, the cold start) are emitted once when it ends.
 */
export function loggedInvocation<Event, Result, InvocationContext extends Context = Context>() {
  return middy<Event, Result, Error, InvocationContext>({ executionMode: measuredExecution }).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
}
