import { z } from "zod";
import { busName } from "../../declarations/events";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const busConfigSchema = z.object({
  /** `Resource.CrmBus.name`: the domain-event bus. */
  name: z.string(linkedFrom(busName)).min(1),
  /** Only the local cloud and the tests set this (`EVENTBRIDGE_ENDPOINT`): their EventBridge stand-in. */
  eventBridgeEndpoint: z.url().optional(),
});

export type BusConfig = z.infer<typeof busConfigSchema>;

/** The bus's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readBusConfig(source: ConfigSource): BusConfig {
  return parseConfig("bus", busConfigSchema, {
    name: source.linked(busName)?.name,
    eventBridgeEndpoint: source.variable("EVENTBRIDGE_ENDPOINT"),
  });
}

/**
 * The bus's configuration, parsed once, on first use rather than at module scope: the publisher is loaded by the
 * local cloud's stream reader and by the tests before they link their local bus (as the local cloud does, through
 * the environment), and SST reads the links when they are first read.
 */
export const busConfig = once(() => readBusConfig(runtimeConfigSource));
