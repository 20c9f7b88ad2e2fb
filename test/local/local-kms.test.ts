import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  KMSClient,
} from "@aws-sdk/client-kms";
import { type LocalKms, startLocalKms } from "@crm/local/kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const vault = "alias/crm-token-vault";
const other = "alias/other";
const context = { orgId: "org_1", connectionId: "conn_1" };

const clientFor = (endpoint: string) =>
  new KMSClient({ region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" }, endpoint });

// Every stand-in, client and directory a test makes is stopped or removed here, whether the test passed or not.
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Parameters<typeof startLocalKms>[0]) {
  const kms = await startLocalKms(options);
  cleanups.push(() => kms.close());
  const client = clientFor(kms.endpoint);
  cleanups.push(() => client.destroy());
  return { kms, client };
}

async function temporaryDirectory() {
  const directory = await mkdtemp(join(tmpdir(), "crm-kms-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

/** A request the SDK would never send, straight over HTTP, answered with status and error body. */
async function rawRequest(endpoint: string, target: string, body: string) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
    body,
  });
  return { status: response.status, body: (await response.json()) as { __type: string; message: string } };
}

describe("the local KMS", () => {
  let kms: LocalKms;
  let client: KMSClient;

  beforeAll(async () => {
    ({ kms, client } = await start({ aliases: [vault, other] }));
  });

  const dataKey = (input: Partial<ConstructorParameters<typeof GenerateDataKeyCommand>[0]> = {}) =>
    client.send(new GenerateDataKeyCommand({ KeyId: vault, KeySpec: "AES_256", EncryptionContext: context, ...input }));

  it("gives a 32-byte data key whose blob decrypts, under the same encryption context, to the same key", async () => {
    const generated = await dataKey();

    expect(generated.Plaintext).toHaveLength(32);
    expect(generated.KeyId).toBe(kms.keyArn(vault));
    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(decrypted.Plaintext ?? [])).toEqual(Buffer.from(generated.Plaintext ?? []));
    expect(decrypted.KeyId).toBe(kms.keyArn(vault));
    expect(decrypted.EncryptionAlgorithm).toBe("SYMMETRIC_DEFAULT");
  });

  it("matches an encryption context whatever order its pairs are written in", async () => {
    const generated = await dataKey();

    const decrypted = await client.send(
      new DecryptCommand({
        CiphertextBlob: generated.CiphertextBlob,
        EncryptionContext: { connectionId: "conn_1", orgId: "org_1" },
      }),
    );

    expect(Buffer.from(decrypted.Plaintext ?? [])).toEqual(Buffer.from(generated.Plaintext ?? []));
  });

  it("refuses a blob decrypted with another, a partial or no encryption context as an invalid ciphertext", async () => {
    const { CiphertextBlob } = await dataKey();

    const otherContexts: (Record<string, string> | undefined)[] = [
      { orgId: "org_2", connectionId: "conn_1" },
      { orgId: "org_1" },
      { ...context, extra: "x" },
      undefined,
    ];
    for (const EncryptionContext of otherContexts) {
      await expect(client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext }))).rejects.toMatchObject({
        name: "InvalidCiphertextException",
      });
    }
  });

  it("refuses a blob with any byte changed (version, key id, IV, tag or ciphertext) as an invalid ciphertext", async () => {
    const { CiphertextBlob } = await dataKey();
    const blob = Buffer.from(CiphertextBlob ?? []);

    for (const index of [0, 1, 17, 29, 45, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      await expect(
        client.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: context })),
      ).rejects.toMatchObject({ name: "InvalidCiphertextException" });
    }
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob: blob.subarray(0, 40), EncryptionContext: context })),
    ).rejects.toMatchObject({ name: "InvalidCiphertextException" });
  });

  it("answers an unknown key id, key ARN, alias or alias ARN with NotFoundException", async () => {
    const unknownId = "00000000-0000-4000-8000-000000000000";

    for (const KeyId of [
      unknownId,
      `arn:aws:kms:us-east-1:000000000000:key/${unknownId}`,
      "alias/unknown",
      "arn:aws:kms:us-east-1:000000000000:alias/unknown",
      "not-a-key",
    ]) {
      await expect(dataKey({ KeyId })).rejects.toMatchObject({ name: "NotFoundException" });
    }
  });

  it("takes the key by alias name, alias ARN, key ARN or key id, answering with the key ARN", async () => {
    const keyArn = kms.keyArn(vault);
    const keyId = keyArn.split("/").at(-1) ?? "";
    expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);

    for (const KeyId of [vault, `arn:aws:kms:us-east-1:000000000000:${vault}`, keyArn, keyId]) {
      const generated = await dataKey({ KeyId });
      expect(generated.KeyId).toBe(keyArn);
      const decrypted = await client.send(
        new DecryptCommand({ KeyId, CiphertextBlob: generated.CiphertextBlob, EncryptionContext: context }),
      );
      expect(decrypted.KeyId).toBe(keyArn);
    }
  });

  it("gives every alias its own key, and refuses to decrypt with a KeyId that is not the blob's key", async () => {
    expect(kms.keyArn(other)).not.toBe(kms.keyArn(vault));
    const { CiphertextBlob } = await dataKey();

    await expect(
      client.send(new DecryptCommand({ KeyId: other, CiphertextBlob, EncryptionContext: context })),
    ).rejects.toMatchObject({ name: "IncorrectKeyException" });
    expect(() => kms.keyArn("alias/never-created")).toThrow(/no alias/);
  });

  it("encrypts and decrypts a small plaintext, with or without a context", async () => {
    const Plaintext = Buffer.from("a refresh token", "utf8");

    for (const EncryptionContext of [context, undefined]) {
      const encrypted = await client.send(new EncryptCommand({ KeyId: vault, Plaintext, EncryptionContext }));
      expect(encrypted.KeyId).toBe(kms.keyArn(vault));
      expect(encrypted.EncryptionAlgorithm).toBe("SYMMETRIC_DEFAULT");
      expect(Buffer.from(encrypted.CiphertextBlob ?? []).includes(Plaintext)).toBe(false);
      const decrypted = await client.send(
        new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext }),
      );
      expect(Buffer.from(decrypted.Plaintext ?? []).toString("utf8")).toBe("a refresh token");
    }
  });

  it("sizes data keys by KeySpec or NumberOfBytes, and makes them without plaintext on request", async () => {
    expect((await dataKey({ KeySpec: "AES_128" })).Plaintext).toHaveLength(16);
    expect((await dataKey({ KeySpec: undefined, NumberOfBytes: 1024 })).Plaintext).toHaveLength(1024);

    const withoutPlaintext = await client.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: vault, KeySpec: "AES_256", EncryptionContext: context }),
    );
    expect(withoutPlaintext).not.toHaveProperty("Plaintext");
    expect(withoutPlaintext.KeyId).toBe(kms.keyArn(vault));
    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: withoutPlaintext.CiphertextBlob, EncryptionContext: context }),
    );
    expect(decrypted.Plaintext).toHaveLength(32);
  });

  it("refuses out-of-range sizes, a missing key id and a KeySpec together with NumberOfBytes as ValidationException", async () => {
    for (const input of [
      { KeySpec: undefined, NumberOfBytes: 0 },
      { KeySpec: undefined, NumberOfBytes: 1025 },
      { KeySpec: undefined },
      { NumberOfBytes: 32 },
      { KeyId: undefined },
      { KeyId: "" },
    ]) {
      await expect(dataKey(input)).rejects.toMatchObject({ name: "ValidationException" });
    }
    for (const Plaintext of [new Uint8Array(0), new Uint8Array(4097)]) {
      await expect(client.send(new EncryptCommand({ KeyId: vault, Plaintext }))).rejects.toMatchObject({
        name: "ValidationException",
      });
    }
    await expect(client.send(new DecryptCommand({ CiphertextBlob: undefined }))).rejects.toMatchObject({
      name: "ValidationException",
    });
  });

  it("describes a key as an enabled symmetric customer key", async () => {
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: vault }));

    expect(KeyMetadata).toMatchObject({
      AWSAccountId: "000000000000",
      Arn: kms.keyArn(vault),
      KeyId: kms.keyArn(vault).split("/").at(-1),
      Enabled: true,
      KeyState: "Enabled",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeySpec: "SYMMETRIC_DEFAULT",
      EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
    });
    expect(KeyMetadata?.CreationDate).toBeInstanceOf(Date);
  });

  it("refuses bodies the SDK never sends (bad JSON, a non-string context value) and unknown operations", async () => {
    expect(await rawRequest(kms.endpoint, "TrentService.Encrypt", "{not json")).toMatchObject({
      status: 400,
      body: { __type: "SerializationException" },
    });
    const numberInContext = JSON.stringify({ KeyId: vault, KeySpec: "AES_256", EncryptionContext: { orgId: 1 } });
    expect(await rawRequest(kms.endpoint, "TrentService.GenerateDataKey", numberInContext)).toMatchObject({
      status: 400,
      body: { __type: "SerializationException" },
    });
    expect(await rawRequest(kms.endpoint, "TrentService.CreateKey", "{}")).toMatchObject({
      status: 400,
      body: { __type: "UnsupportedOperationException" },
    });
    expect(await rawRequest(kms.endpoint, "AmazonSQS.SendMessage", "{}")).toMatchObject({
      status: 400,
      body: { __type: "UnknownOperationException" },
    });
  });

  it("counts the requests each operation received", async () => {
    const before = kms.calls();
    await dataKey();
    await dataKey();
    await client.send(new DescribeKeyCommand({ KeyId: vault }));

    const after = kms.calls();
    expect((after.GenerateDataKey ?? 0) - (before.GenerateDataKey ?? 0)).toBe(2);
    expect((after.DescribeKey ?? 0) - (before.DescribeKey ?? 0)).toBe(1);
  });
});

describe("the local KMS with a data directory", () => {
  it("decrypts after a restart what it made before, with the same keys behind the same aliases", async () => {
    const dataDirectory = join(await temporaryDirectory(), "not", "yet", "there");
    const first = await start({ dataDirectory, aliases: [vault] });
    const generated = await first.client.send(
      new GenerateDataKeyCommand({ KeyId: vault, KeySpec: "AES_256", EncryptionContext: context }),
    );
    const keyArn = first.kms.keyArn(vault);
    await first.kms.close();

    const second = await start({ dataDirectory, aliases: [vault, other] });
    const decrypted = await second.client.send(
      new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: context }),
    );

    expect(Buffer.from(decrypted.Plaintext ?? [])).toEqual(Buffer.from(generated.Plaintext ?? []));
    expect(second.kms.keyArn(vault)).toBe(keyArn);
    expect(second.kms.keyArn(other)).not.toBe(keyArn);
    expect((await stat(join(dataDirectory, "local-kms.json"))).mode & 0o777).toBe(0o600);
  });

  it("keeps no plaintext data key in the key file", async () => {
    const dataDirectory = await temporaryDirectory();
    const { client } = await start({ dataDirectory, aliases: [vault] });
    const { Plaintext } = await client.send(new GenerateDataKeyCommand({ KeyId: vault, KeySpec: "AES_256" }));

    const file = await readFile(join(dataDirectory, "local-kms.json"), "utf8");
    expect(file).not.toContain(Buffer.from(Plaintext ?? []).toString("base64"));
  });

  it("will not start over a damaged key file, leaving it as it was", async () => {
    const dataDirectory = await temporaryDirectory();
    const file = join(dataDirectory, "local-kms.json");
    await writeFile(file, "{ half a file", { mode: 0o600 });

    await expect(startLocalKms({ dataDirectory, aliases: [vault] })).rejects.toThrow(/not a local KMS key file/);
    expect(await readFile(file, "utf8")).toBe("{ half a file");
  });

  it("refuses an alias name KMS would refuse", async () => {
    for (const alias of ["crm-token-vault", "alias/aws/s3", "alias/with space"]) {
      await expect(startLocalKms({ aliases: [alias] })).rejects.toThrow(/Not a customer KMS alias/);
    }
  });
});
