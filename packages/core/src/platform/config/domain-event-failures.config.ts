import { z } from "zod";
import { domainEventFailuresQueueName } from "../../declarations/events";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const domainEventFailuresConfigSchema = z.object({
  /** `Resource.DomainEventFailures.url`: the queue of table-stream records that never became events. */
  queueUrl: z.url(linkedFrom(domainEventFailuresQueueName)),
});

export type DomainEventFailuresConfig = z.infer<typeof domainEventFailuresConfigSchema>;

/** The failure queue's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readDomainEventFailuresConfig(source: ConfigSource): DomainEventFailuresConfig {
  return parseConfig("domain-event failures", domainEventFailuresConfigSchema, {
    queueUrl: source.linked(domainEventFailuresQueueName)?.url,
  });
}

/**
 * The failure queue's configuration, parsed once, on first use rather than at module scope: like the publisher, the
 * failure queue's module is loaded by the local stream reader and the tests before they link their local queue.
 */
export const domainEventFailuresConfig = once(() => readDomainEventFailuresConfig(runtimeConfigSource));
