import { type GlobalIndexName, tableDefinition } from "../declarations/table";

/** Key fields of the table's primary index, for entity definitions. */
export const primaryKeyFields = {
  pk: tableDefinition.primaryIndex.hashKey,
  sk: tableDefinition.primaryIndex.rangeKey,
} as const;

/** Name and key fields of one declared GSI, so entities never spell an index or field name themselves. */
export function globalIndex<N extends GlobalIndexName>(name: N) {
  const index = tableDefinition.globalIndexes[name];
  return { index: name, pk: index.hashKey, sk: index.rangeKey } as const;
}
