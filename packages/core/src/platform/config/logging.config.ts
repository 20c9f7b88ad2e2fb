import { z } from "zod";
import { type ConfigSource, once, parseConfig, runtimeConfigSource } from "./configuration";

/** The log levels, quietest last; `LOG_LEVEL` picks one (in any case), INFO when unset. */
export const logLevels = ["DEBUG", "INFO", "WARN", "ERROR", "SILENT"] as const;
export type LogLevel = (typeof logLevels)[number];

const loggingConfigSchema = z.object({ level: z.enum(logLevels).default("INFO") });

export type LoggingConfig = z.infer<typeof loggingConfigSchema>;

/** The logging configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readLoggingConfig(source: ConfigSource): LoggingConfig {
  return parseConfig("logging", loggingConfigSchema, { level: source.variable("LOG_LEVEL")?.toUpperCase() });
}

/**
 * The logging configuration, parsed once. It needs no link, so the logger, which every function has, reads it at
 * module scope: a wrong LOG_LEVEL fails the cold start.
 */
export const loggingConfig = once(() => readLoggingConfig(runtimeConfigSource));
