import { allEntities } from "@crm/core/composition";
import { tableDefinition } from "@crm/core/declarations";
import { describe, expect, it } from "vitest";

type IndexModel = { index?: string; pk: { field: string }; sk?: { field: string } };

describe("the ElectroDB entities", () => {
  const indexes = allEntities.flatMap((entity) =>
    Object.entries(entity.schema.indexes as Record<string, IndexModel>).map(([accessPattern, index]) => ({
      entity: entity.schema.model.entity,
      accessPattern,
      index,
    })),
  );

  it("use only the declared table's key fields on its primary index", () => {
    for (const { entity, accessPattern, index } of indexes.filter(({ index }) => !index.index)) {
      expect([index.pk.field, index.sk?.field], `${entity}.${accessPattern}`).toEqual([
        tableDefinition.primaryIndex.hashKey,
        tableDefinition.primaryIndex.rangeKey,
      ]);
    }
  });

  it("use only declared global indexes, with their declared key fields", () => {
    const declared = tableDefinition.globalIndexes as Record<string, { hashKey: string; rangeKey: string }>;
    for (const { entity, accessPattern, index } of indexes.filter(({ index }) => index.index)) {
      const name = index.index ?? "";
      expect(Object.keys(declared), `${entity}.${accessPattern}`).toContain(name);
      expect([index.pk.field, index.sk?.field], `${entity}.${accessPattern}`).toEqual([
        declared[name]?.hashKey,
        declared[name]?.rangeKey,
      ]);
    }
  });

  it("declare only fields some index uses (SST refuses unused attribute definitions)", () => {
    const used = new Set([
      tableDefinition.primaryIndex.hashKey,
      tableDefinition.primaryIndex.rangeKey,
      ...Object.values(tableDefinition.globalIndexes).flatMap((index) => [index.hashKey, index.rangeKey]),
    ]);
    expect(Object.keys(tableDefinition.fields).sort()).toEqual([...used].sort());
  });

  it("give every access pattern a purposeful name rather than an index name", () => {
    for (const { accessPattern } of indexes) expect(accessPattern).not.toMatch(/^gsi\d/);
  });
});
