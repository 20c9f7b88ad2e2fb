import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { readBody } from "../gateway";

export type LocalKmsOptions = {
  /** Where key material is kept (a JSON file, mode 0600), so ciphertexts survive restarts; omitted = in memory. */
  dataDirectory?: string;
  /** Aliases to create on first start, e.g. ["alias/crm-token-vault"]; each gets its own symmetric key. */
  aliases: string[];
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
};

export type LocalKms = {
  /** The endpoint the real `@aws-sdk/client-kms` is pointed at. */
  endpoint: string;
  /** The ARN of the key behind an alias (arn:aws:kms:us-east-1:000000000000:key/<uuid>). */
  keyArn(alias: string): string;
  /** How many requests each operation received (tests assert on caching with it). */
  calls(): Record<string, number>;
  close(): Promise<void>;
};

const region = "us-east-1";
const accountId = "000000000000";
const keyArnPrefix = `arn:aws:kms:${region}:${accountId}:key/`;
const aliasArnPrefix = `arn:aws:kms:${region}:${accountId}:`;
const keyFileName = "local-kms.json";
const keyIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// KMS's alias pattern; `alias/aws/` is reserved for AWS managed keys, which a customer cannot create.
const aliasPattern = /^alias\/[a-zA-Z0-9/_-]+$/;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const encryptionAlgorithms = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"];

// The blob: version (1 byte), key id (16 bytes), IV (12), GCM tag (16), ciphertext. Version and key id are also
// authenticated (part of the AAD), so changing any byte of the blob makes it undecryptable.
const blobVersion = 1;
const headerLength = 1 + 16;
const ivLength = 12;
const tagLength = 16;
const minimumBlobLength = headerLength + ivLength + tagLength + 1;

type Key = { id: string; material: Buffer; createdAt: Date };
type Store = { keys: Map<string, Key>; aliases: Map<string, string> };
type KeyFile = {
  format: 1;
  keys: Record<string, { material: string; createdAt: string }>;
  aliases: Record<string, string>;
};
type Input = Record<string, unknown>;
type EncryptionContext = Record<string, string>;

/** A KMS error as the awsJson1_1 protocol carries it: `__type` names the exception the SDK throws. */
class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const keyArnOf = (keyId: string) => `${keyArnPrefix}${keyId}`;
const aliasArnOf = (alias: string) => `${aliasArnPrefix}${alias}`;

/**
 * A KMS stand-in speaking the awsJson1_1 protocol of `@aws-sdk/client-kms` (`TrentService.<Operation>`), for
 * envelope encryption: GenerateDataKey, GenerateDataKeyWithoutPlaintext, Encrypt, Decrypt and DescribeKey on
 * symmetric keys behind the given aliases. Ciphertext blobs are AES-256-GCM under the key's material with the
 * encryption context as additional authenticated data, so a wrong context or a changed byte is refused with
 * `InvalidCiphertextException`, as KMS refuses it. With a data directory the key material is kept there (mode 0600)
 * and blobs decrypt after a restart.
 */
export async function startLocalKms(options: LocalKmsOptions): Promise<LocalKms> {
  for (const alias of options.aliases) {
    if (!aliasPattern.test(alias) || alias.length > 256 || alias.startsWith("alias/aws/")) {
      throw new Error(`Not a customer KMS alias name: ${JSON.stringify(alias)} (alias/<letters, digits, / _ ->).`);
    }
  }
  const file = options.dataDirectory === undefined ? undefined : join(options.dataDirectory, keyFileName);
  const store = file === undefined ? emptyStore() : await loadStore(file);
  let created = false;
  for (const alias of options.aliases) {
    if (store.aliases.has(alias)) continue;
    const key: Key = { id: randomUUID(), material: randomBytes(32), createdAt: new Date() };
    store.keys.set(key.id, key);
    store.aliases.set(alias, key.id);
    created = true;
  }
  if (file !== undefined && options.dataDirectory !== undefined && created) {
    await saveStore(options.dataDirectory, file, store);
  }

  const counts: Record<string, number> = {};
  const server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": randomUUID(),
      });
      response.end(JSON.stringify(body));
    };
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.startsWith("TrentService.") ? target.slice("TrentService.".length) : target;
    counts[operation] = (counts[operation] ?? 0) + 1;
    try {
      if (!target.startsWith("TrentService.")) {
        throw new KmsError("UnknownOperationException", `Unknown operation: ${JSON.stringify(target)}.`);
      }
      const body = await readBody(request, 1024 * 1024);
      if (body === null) throw new KmsError("ValidationException", "The request body is larger than 1 MiB.");
      reply(200, perform(store, operation, parseInput(body)));
    } catch (error) {
      if (error instanceof KmsError) return reply(error.status, { __type: error.type, message: error.message });
      // Only the operation and the error's own message: the request holds plaintext and data keys.
      console.error(`[kms] ${operation} failed:`, error instanceof Error ? error.message : error);
      reply(500, { __type: "KMSInternalException", message: "The local KMS failed to process the request." });
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    keyArn: (alias) => {
      const keyId = store.aliases.get(alias);
      if (keyId === undefined) throw new Error(`The local KMS has no alias ${alias}.`);
      return keyArnOf(keyId);
    },
    calls: () => ({ ...counts }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function emptyStore(): Store {
  return { keys: new Map(), aliases: new Map() };
}

/** Reads the key file; a missing file is a first start, but an unreadable one stops the start instead of being replaced. */
async function loadStore(file: string): Promise<Store> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyStore();
    throw error;
  }
  // Replacing a damaged file would make every blob made with its keys undecryptable, so it is left for a person.
  const damaged = (why: string) =>
    new Error(`${file} is not a local KMS key file (${why}); move it away to start with new keys.`);
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(text) as KeyFile;
  } catch {
    throw damaged("not JSON");
  }
  if (parsed?.format !== 1 || typeof parsed.keys !== "object" || typeof parsed.aliases !== "object") {
    throw damaged("unknown format");
  }
  const store = emptyStore();
  for (const [id, stored] of Object.entries(parsed.keys)) {
    const material = Buffer.from(String(stored?.material), "base64");
    if (!keyIdPattern.test(id) || material.length !== 32) throw damaged(`key ${id} is malformed`);
    store.keys.set(id, { id, material, createdAt: new Date(String(stored.createdAt)) });
  }
  for (const [alias, keyId] of Object.entries(parsed.aliases)) {
    if (!store.keys.has(keyId)) throw damaged(`${alias} names a missing key`);
    store.aliases.set(alias, keyId);
  }
  return store;
}

/** Writes the key file owner-only, through a temporary file and a rename, so a crash never leaves half a file. */
async function saveStore(dataDirectory: string, file: string, store: Store): Promise<void> {
  const contents: KeyFile = {
    format: 1,
    keys: Object.fromEntries(
      [...store.keys.values()].map((key) => [
        key.id,
        { material: key.material.toString("base64"), createdAt: key.createdAt.toISOString() },
      ]),
    ),
    aliases: Object.fromEntries(store.aliases),
  };
  await mkdir(dataDirectory, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

function parseInput(body: Buffer): Input {
  let input: unknown;
  try {
    input = JSON.parse(body.toString("utf8") || "{}");
  } catch {
    throw new KmsError("SerializationException", "The request body is not valid JSON.");
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new KmsError("SerializationException", "The request body is not a JSON object.");
  }
  return input as Input;
}

function perform(store: Store, operation: string, input: Input): unknown {
  switch (operation) {
    case "GenerateDataKey":
    case "GenerateDataKeyWithoutPlaintext": {
      const request = {
        keyId: optionalString(input, "KeyId"),
        context: encryptionContext(input, "EncryptionContext"),
        keySpec: optionalString(input, "KeySpec"),
        numberOfBytes: optionalInteger(input, "NumberOfBytes"),
      };
      commonOptions(input, { recipient: operation === "GenerateDataKey" });
      const violations = [
        ...keyIdViolations(request.keyId),
        ...(request.keySpec !== undefined && !["AES_256", "AES_128"].includes(request.keySpec)
          ? [enumViolation(request.keySpec, "keySpec", ["AES_256", "AES_128"])]
          : []),
        ...(request.numberOfBytes !== undefined && request.numberOfBytes < 1
          ? [
              `Value '${request.numberOfBytes}' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1`,
            ]
          : []),
        ...(request.numberOfBytes !== undefined && request.numberOfBytes > 1024
          ? [
              `Value '${request.numberOfBytes}' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024`,
            ]
          : []),
      ];
      refuse(violations);
      if ((request.keySpec === undefined) === (request.numberOfBytes === undefined)) {
        throw new KmsError("ValidationException", "Please specify either number of bytes or key spec.");
      }
      const key = resolveKey(store, request.keyId as string);
      dryRun(input);
      const plaintext = randomBytes(request.numberOfBytes ?? (request.keySpec === "AES_128" ? 16 : 32));
      const ciphertextBlob = seal(key, plaintext, request.context).toString("base64");
      return operation === "GenerateDataKey"
        ? { CiphertextBlob: ciphertextBlob, Plaintext: plaintext.toString("base64"), KeyId: keyArnOf(key.id) }
        : { CiphertextBlob: ciphertextBlob, KeyId: keyArnOf(key.id) };
    }
    case "Encrypt": {
      const keyId = optionalString(input, "KeyId");
      const plaintext = optionalBlob(input, "Plaintext");
      const context = encryptionContext(input, "EncryptionContext");
      const algorithm = optionalString(input, "EncryptionAlgorithm");
      commonOptions(input, { recipient: false });
      refuse([
        ...keyIdViolations(keyId),
        ...blobViolations(plaintext, "plaintext", 4096),
        ...algorithmViolations(algorithm),
      ]);
      const key = resolveKey(store, keyId as string);
      symmetricOnly(algorithm);
      dryRun(input);
      return {
        CiphertextBlob: seal(key, plaintext as Buffer, context).toString("base64"),
        KeyId: keyArnOf(key.id),
        EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
      };
    }
    case "Decrypt": {
      const ciphertextBlob = optionalBlob(input, "CiphertextBlob");
      const context = encryptionContext(input, "EncryptionContext");
      const keyId = optionalString(input, "KeyId");
      const algorithm = optionalString(input, "EncryptionAlgorithm");
      commonOptions(input, { recipient: true });
      refuse([
        ...blobViolations(ciphertextBlob, "ciphertextBlob", 6144),
        ...(keyId === undefined ? [] : keyIdViolations(keyId)),
        ...algorithmViolations(algorithm),
      ]);
      const requestedKey = keyId === undefined ? undefined : resolveKey(store, keyId);
      symmetricOnly(algorithm);
      const blob = ciphertextBlob as Buffer;
      const key = keyOfBlob(store, blob);
      if (requestedKey !== undefined && requestedKey.id !== key.id) {
        throw new KmsError(
          "IncorrectKeyException",
          "The key ID in the request does not identify a CMK that can perform this operation.",
        );
      }
      const plaintext = open(key, blob, context);
      dryRun(input);
      return {
        KeyId: keyArnOf(key.id),
        Plaintext: plaintext.toString("base64"),
        EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
      };
    }
    case "DescribeKey": {
      const keyId = optionalString(input, "KeyId");
      stringList(input, "GrantTokens");
      refuse(keyIdViolations(keyId));
      const key = resolveKey(store, keyId as string);
      return {
        KeyMetadata: {
          AWSAccountId: accountId,
          KeyId: key.id,
          Arn: keyArnOf(key.id),
          CreationDate: key.createdAt.getTime() / 1000,
          Enabled: true,
          Description: "",
          KeyUsage: "ENCRYPT_DECRYPT",
          KeyState: "Enabled",
          Origin: "AWS_KMS",
          KeyManager: "CUSTOMER",
          CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
          KeySpec: "SYMMETRIC_DEFAULT",
          EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
          MultiRegion: false,
        },
      };
    }
    default:
      throw new KmsError("UnsupportedOperationException", `The local KMS does not implement ${operation}.`);
  }
}

/** Finds the key a KeyId names: a key id, a key ARN, an alias name or an alias ARN, in this account and region. */
function resolveKey(store: Store, keyId: string): Key {
  const alias = keyId.startsWith("alias/")
    ? keyId
    : keyId.startsWith(`${aliasArnPrefix}alias/`)
      ? keyId.slice(aliasArnPrefix.length)
      : undefined;
  if (alias !== undefined) {
    const key = store.keys.get(store.aliases.get(alias) ?? "");
    if (key === undefined) throw new KmsError("NotFoundException", `Alias ${aliasArnOf(alias)} is not found.`);
    return key;
  }
  const id = keyId.startsWith(keyArnPrefix) ? keyId.slice(keyArnPrefix.length) : keyId;
  if (!keyIdPattern.test(id)) throw new KmsError("NotFoundException", `Invalid keyId ${keyId}`);
  const key = store.keys.get(id);
  if (key === undefined) throw new KmsError("NotFoundException", `Key '${keyArnOf(id)}' does not exist`);
  return key;
}

/** The additional authenticated data for a context: the same pairs in any order give the same bytes. */
function canonicalContext(context: EncryptionContext): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs), "utf8");
}

function seal(key: Key, plaintext: Buffer, context: EncryptionContext): Buffer {
  const header = Buffer.concat([Buffer.of(blobVersion), Buffer.from(key.id.replaceAll("-", ""), "hex")]);
  const iv = randomBytes(ivLength);
  const cipher = createCipheriv("aes-256-gcm", key.material, iv, { authTagLength: tagLength });
  cipher.setAAD(Buffer.concat([header, canonicalContext(context)]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]);
}

const invalidCiphertext = () =>
  new KmsError("InvalidCiphertextException", "The ciphertext is invalid for any key here or its encryption context.");

/** The key a blob says it was made with; a blob this stand-in could not have made is an invalid ciphertext. */
function keyOfBlob(store: Store, blob: Buffer): Key {
  if (blob.length < minimumBlobLength || blob[0] !== blobVersion) throw invalidCiphertext();
  const hex = blob.subarray(1, headerLength).toString("hex");
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const key = store.keys.get(id);
  if (key === undefined) throw invalidCiphertext();
  return key;
}

function open(key: Key, blob: Buffer, context: EncryptionContext): Buffer {
  const iv = blob.subarray(headerLength, headerLength + ivLength);
  const tag = blob.subarray(headerLength + ivLength, headerLength + ivLength + tagLength);
  const decipher = createDecipheriv("aes-256-gcm", key.material, iv, { authTagLength: tagLength });
  decipher.setAAD(Buffer.concat([blob.subarray(0, headerLength), canonicalContext(context)]));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(headerLength + ivLength + tagLength)), decipher.final()]);
  } catch {
    throw invalidCiphertext();
  }
}

// A JSON value of the wrong type never reaches KMS's validation: its JSON layer refuses it as a SerializationException.
const wrongType = (field: string, expected: string) =>
  new KmsError("SerializationException", `${field} must be ${expected}.`);

function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw wrongType(field, "a string");
  return value;
}

function optionalInteger(input: Input, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(field, "an integer");
  return value;
}

function optionalBlob(input: Input, field: string): Buffer | undefined {
  const value = optionalString(input, field);
  if (value === undefined) return undefined;
  if (!base64Pattern.test(value)) throw wrongType(field, "base64");
  return Buffer.from(value, "base64");
}

function stringList(input: Input, field: string): void {
  const value = input[field];
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) throw wrongType(field, "a string list");
}

/** The context as KMS compares it: absent and `{}` are the same; every value must be a string. */
function encryptionContext(input: Input, field: string): EncryptionContext {
  const value = input[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw wrongType(field, "a map of strings to strings");
  for (const entry of Object.values(value)) {
    if (typeof entry !== "string") throw wrongType(field, "a map of strings to strings");
  }
  return value as EncryptionContext;
}

/** GrantTokens are accepted and ignored (no grants here); Nitro Enclave attestation is refused. */
function commonOptions(input: Input, allowed: { recipient: boolean }): void {
  stringList(input, "GrantTokens");
  if (input.DryRun !== undefined && input.DryRun !== null && typeof input.DryRun !== "boolean") {
    throw wrongType("DryRun", "a boolean");
  }
  if (allowed.recipient && input.Recipient !== undefined && input.Recipient !== null) {
    throw new KmsError("UnsupportedOperationException", "The local KMS does not support Recipient (attestation).");
  }
}

function dryRun(input: Input): void {
  if (input.DryRun === true) {
    throw new KmsError(
      "DryRunOperationException",
      "The request would have succeeded, but the DryRun option is set.",
      412,
    );
  }
}

function keyIdViolations(keyId: string | undefined): string[] {
  if (keyId === undefined) return ["Value null at 'keyId' failed to satisfy constraint: Member must not be null"];
  if (keyId.length === 0) {
    return ["Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1"];
  }
  if (keyId.length > 2048) {
    return ["Value at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048"];
  }
  return [];
}

// Blob values are not echoed back: they are plaintexts and ciphertexts.
function blobViolations(blob: Buffer | undefined, member: string, maximum: number): string[] {
  if (blob === undefined) return [`Value null at '${member}' failed to satisfy constraint: Member must not be null`];
  if (blob.length === 0) {
    return [`Value at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1`];
  }
  if (blob.length > maximum) {
    return [
      `Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${maximum}`,
    ];
  }
  return [];
}

function algorithmViolations(algorithm: string | undefined): string[] {
  return algorithm === undefined || encryptionAlgorithms.includes(algorithm)
    ? []
    : [enumViolation(algorithm, "encryptionAlgorithm", encryptionAlgorithms)];
}

function enumViolation(value: string, member: string, values: string[]): string {
  return `Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(", ")}]`;
}

/** Refuses a request that breaks the API's constraints, with all its violations, worded as KMS words them. */
function refuse(violations: string[]): void {
  if (violations.length === 0) return;
  const count = violations.length === 1 ? "1 validation error" : `${violations.length} validation errors`;
  throw new KmsError("ValidationException", `${count} detected: ${violations.join("; ")}`);
}

function symmetricOnly(algorithm: string | undefined): void {
  if (algorithm !== undefined && algorithm !== "SYMMETRIC_DEFAULT") {
    throw new KmsError(
      "InvalidKeyUsageException",
      `The encryption algorithm ${algorithm} is not supported by the symmetric key. Use SYMMETRIC_DEFAULT.`,
    );
  }
}
