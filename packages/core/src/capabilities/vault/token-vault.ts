import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { vaultConfig } from "../../platform/config/vault.config";

/**
 * A secret sealed by the vault: `v1.<encrypted data key>.<iv>.<auth tag>.<ciphertext>`, base64url parts. Only the
 * vault can open it, and only with the context it was sealed with.
 */
export type SealedSecret = string & { readonly __sealed: unique symbol };

/**
 * What a secret is bound to, e.g. `{ orgId, connectionId }`: KMS's encryption context for the data key and the
 * AES-GCM additional data for the secret, so a ciphertext copied to another record does not open.
 */
export type VaultContext = Readonly<Record<string, string>>;

/** A sealed secret that does not open: tampered with, copied from another record, or sealed under another key. */
export class SealedSecretError extends Error {
  override readonly name = "SealedSecretError";
}

const version = "v1";
const dataKeyCacheMilliseconds = 5 * 60_000;
const dataKeyCacheSize = 200;

let kms: KMSClient | undefined;
function kmsClient(): KMSClient {
  const config = vaultConfig();
  kms ??= new KMSClient(config.kmsEndpoint ? { endpoint: config.kmsEndpoint } : {});
  return kms;
}

/** The context in one canonical form (keys sorted), the AES-GCM additional data. */
function canonical(context: VaultContext): Buffer {
  return Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

// Decrypted data keys of recently opened secrets, so reading a connection's tokens twice costs one KMS call.
const openedDataKeys = new Map<string, { key: Buffer; until: number }>();

function rememberDataKey(cacheKey: string, key: Buffer) {
  if (openedDataKeys.size >= dataKeyCacheSize) openedDataKeys.delete(openedDataKeys.keys().next().value as string);
  openedDataKeys.set(cacheKey, { key, until: Date.now() + dataKeyCacheMilliseconds });
}

/** Seals `plaintext` under a fresh data key from KMS (envelope encryption, AES-256-GCM), bound to `context`. */
export async function seal(plaintext: string, context: VaultContext): Promise<SealedSecret> {
  const { keyArn } = vaultConfig();
  const dataKey = await kmsClient().send(
    new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: "AES_256", EncryptionContext: { ...context } }),
  );
  if (!dataKey.Plaintext || !dataKey.CiphertextBlob) throw new Error("KMS returned no data key.");
  const key = Buffer.from(dataKey.Plaintext);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(canonical(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const encryptedKey = Buffer.from(dataKey.CiphertextBlob);
  rememberDataKey(`${encryptedKey.toString("base64url")}|${canonical(context).toString("base64url")}`, key);
  return [version, encryptedKey, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".") as SealedSecret;
}

/** The plaintext of a sealed secret; a SealedSecretError when it does not open with this context. */
export async function open(sealed: SealedSecret, context: VaultContext): Promise<string> {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== version) throw new SealedSecretError("Not a sealed secret of this vault.");
  const [encryptedKey, iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, "base64url")) as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ];
  const aad = canonical(context);
  const cacheKey = `${parts[1]}|${aad.toString("base64url")}`;
  const cached = openedDataKeys.get(cacheKey);
  let key = cached && cached.until > Date.now() ? cached.key : undefined;
  if (!key) {
    try {
      const decrypted = await kmsClient().send(
        new DecryptCommand({ CiphertextBlob: encryptedKey, EncryptionContext: { ...context } }),
      );
      key = Buffer.from(decrypted.Plaintext ?? new Uint8Array());
    } catch (error) {
      if ((error as Error).name === "InvalidCiphertextException") {
        throw new SealedSecretError("The data key does not open with this context.", { cause: error });
      }
      throw error;
    }
    rememberDataKey(cacheKey, key);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new SealedSecretError("The secret does not open with this context.", { cause: error });
  }
}
