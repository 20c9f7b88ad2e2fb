import { Logger } from "@aws-lambda-powertools/logger";
import { loggingConfig } from "@crm/core/platform";

/**
 * Structured JSON logs, one logger per process. Keys appended per request (request id, route, tenant) are reset
 * after each invocation. Never log tokens, request bodies or personal data: log ids and outcomes. The level is read
 * here, at module scope: every function has a logger and it needs no link, so a wrong LOG_LEVEL fails the cold start.
 */
export const logger = new Logger({ serviceName: "crm-api", logLevel: loggingConfig().level });
