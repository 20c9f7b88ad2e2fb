/**
 * The single DynamoDB table, declared once. `stacks/` passes it to `sst.aws.Dynamo`, the local cloud turns it into
 * CreateTable/UpdateTable calls against DynamoDB Local, and the ElectroDB entities take their index names and key
 * fields from it. This module must stay free of runtime dependencies: SST's config loader imports it.
 */

/** Logical name of the table: the SST component name and therefore the key of `Resource.*`. */
export const tableName = "CrmTable";

export type KeyIndex = { readonly hashKey: string; readonly rangeKey: string };

export const tableDefinition = {
  fields: {
    pk: "string",
    sk: "string",
    gsi1pk: "string",
    gsi1sk: "string",
    gsi2pk: "string",
    gsi2sk: "string",
    gsi3pk: "string",
    gsi3sk: "string",
    gsi4pk: "string",
    gsi4sk: "string",
    gsi5pk: "string",
    gsi5sk: "string",
  },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  /**
   * Overloaded secondary indexes. Their roles (which entity uses which index for what) are documented in the
   * README's access-pattern table; the names stay generic so that many entities can share them.
   * All five exist from the first deploy because DynamoDB adds only one GSI per table update.
   */
  globalIndexes: {
    gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" },
    gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk" },
    gsi3: { hashKey: "gsi3pk", rangeKey: "gsi3sk" },
    gsi4: { hashKey: "gsi4pk", rangeKey: "gsi4sk" },
    gsi5: { hashKey: "gsi5pk", rangeKey: "gsi5sk" },
  },
  /** Epoch-seconds attribute; DynamoDB deletes expired items eventually, so readers must also check it. */
  ttl: "expiresAt",
  stream: "new-and-old-images",
} as const satisfies {
  fields: Record<string, "string" | "number" | "binary">;
  primaryIndex: KeyIndex;
  globalIndexes: Record<string, KeyIndex>;
  ttl: string;
  stream: "keys-only" | "new-image" | "old-image" | "new-and-old-images";
};

export type TableDefinition = typeof tableDefinition;
export type GlobalIndexName = keyof TableDefinition["globalIndexes"];
