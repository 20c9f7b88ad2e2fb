import { z } from "zod";
import { cursorSigningKeyName } from "../../declarations/auth";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const cursorConfigSchema = z.object({
  /** `Resource.CursorSigningKey.value`: the HMAC key of pagination cursors. */
  signingKey: z.string(linkedFrom(cursorSigningKeyName)).min(16),
});

export type CursorConfig = z.infer<typeof cursorConfigSchema>;

/** The cursor key as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readCursorConfig(source: ConfigSource): CursorConfig {
  return parseConfig("cursor", cursorConfigSchema, { signingKey: source.linked(cursorSigningKeyName)?.value });
}

/**
 * The cursor key, parsed once, on first use rather than at module scope: the cursor module is part of the platform
 * surface every function loads, the public ones too, which are not linked to the key.
 */
export const cursorConfig = once(() => readCursorConfig(runtimeConfigSource));
