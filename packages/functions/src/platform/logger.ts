import { Logger } from "@aws-lambda-powertools/logger";
import { logLevel } from "@crm/core/platform";

/**
 * Structured JSON logs, one logger per process. Keys appended per request (request id, route, tenant) are reset
 * after each invocation. Never log tokens, request bodies or personal data: log ids and outcomes.
 */
export const logger = new Logger({ serviceName: "crm-api", logLevel: logLevel() });
