import { z } from "zod";
import { websocketApiName } from "../../declarations/websocket";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const realtimeConfigSchema = z.object({
  /** `Resource.Realtime.managementEndpoint`: where pushes to WebSocket connections are posted. */
  managementEndpoint: z.url(linkedFrom(websocketApiName)),
});

export type RealtimeConfig = z.infer<typeof realtimeConfigSchema>;

/** The WebSocket API's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readRealtimeConfig(source: ConfigSource): RealtimeConfig {
  return parseConfig("realtime", realtimeConfigSchema, {
    managementEndpoint: source.linked(websocketApiName)?.managementEndpoint,
  });
}

/**
 * The WebSocket API's configuration, parsed once, on first use rather than at module scope: the management API's
 * module is also loaded by functions that never push (and are not linked to the API), and the tests link their
 * local WebSocket gateway only once it has started.
 */
export const realtimeConfig = once(() => readRealtimeConfig(runtimeConfigSource));
