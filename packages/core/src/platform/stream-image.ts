import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";

/**
 * A table-stream record's image as a plain item. DynamoDB (and GetItem everywhere) renders an empty map as
 * `{ "M": {} }`, but DynamoDB Local's stream renders it as `{}`, with no type at all, which `unmarshall` refuses
 * ("No value defined"); both renderings decode to `{}` here. Anything else `unmarshall` cannot read still throws.
 */
export function itemOfStreamImage(image: Record<string, AttributeValue>): Record<string, unknown> {
  return unmarshall(withTypedEmptyMaps(image) as Record<string, AttributeValue>);
}

function withTypedEmptyMaps(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, typedValue(value)]));
}

function typedValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const attribute = value as Record<string, unknown>;
  if (Object.keys(attribute).length === 0) return { M: {} };
  if (attribute.M && typeof attribute.M === "object") {
    return { M: withTypedEmptyMaps(attribute.M as Record<string, unknown>) };
  }
  if (Array.isArray(attribute.L)) return { L: attribute.L.map(typedValue) };
  return attribute;
}
