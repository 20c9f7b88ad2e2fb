import { z } from "zod";
import { tokenVaultName } from "../../declarations/integrations";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const vaultConfigSchema = z.object({
  /** `Resource.TokenVault.keyArn`: the KMS key whose data keys encrypt tokens and signing secrets. */
  keyArn: z.string(linkedFrom(tokenVaultName)).min(1),
  /** Only the local cloud and the tests set this (`KMS_ENDPOINT`): their KMS stand-in. */
  kmsEndpoint: z.url().optional(),
});

export type VaultConfig = z.infer<typeof vaultConfigSchema>;

/** The vault's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readVaultConfig(source: ConfigSource): VaultConfig {
  return parseConfig("vault", vaultConfigSchema, {
    keyArn: source.linked(tokenVaultName)?.keyArn,
    kmsEndpoint: source.variable("KMS_ENDPOINT"),
  });
}

/**
 * The vault's configuration, parsed once, on first use: the vault module is loaded by the webhook functions, and
 * the tests link their KMS stand-in only once it has started.
 */
export const vaultConfig = once(() => readVaultConfig(runtimeConfigSource));
