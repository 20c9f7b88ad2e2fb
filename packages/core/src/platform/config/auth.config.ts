import { z } from "zod";
import { authSettingsName } from "../../declarations/auth";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const jsonWebKeySetSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

/** A key set given as JSON text (as a linked property may be) or already parsed; text that is not JSON is refused. */
const jsonWebKeySet = z
  .unknown()
  .transform((value, context) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      context.issues.push({ code: "custom", input: value, message: `not valid JSON (${(error as Error).message})` });
      return z.NEVER;
    }
  })
  .pipe(jsonWebKeySetSchema.optional());

const authConfigSchema = z.object({
  issuer: z.string(linkedFrom(authSettingsName)).min(1),
  audience: z.string(linkedFrom(authSettingsName)).min(1),
  jwksUri: z.string(linkedFrom(authSettingsName)).min(1),
  /** Only the local cloud sets this: the local identity provider's public keys, fed to the verifier directly. */
  jwks: jsonWebKeySet,
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

/** The token settings as `source` gives them (`Resource.Auth`); throws a ConfigurationError naming what is wrong. */
export function readAuthConfig(source: ConfigSource): AuthConfig {
  const auth = source.linked(authSettingsName);
  return parseConfig("auth", authConfigSchema, {
    issuer: auth?.issuer,
    audience: auth?.audience,
    jwksUri: auth?.jwksUri,
    jwks: auth?.jwks,
  });
}

/**
 * The token settings, parsed once, on first use rather than at module scope: the handler factory loads the token
 * verifier for every HTTP function, the public ones too, which are not linked to them.
 */
export const authConfig = once(() => readAuthConfig(runtimeConfigSource));
