import { s3Errors } from "./s3-error";

/** One condition of a POST policy, as S3 reads it. */
export type PolicyCondition =
  | { kind: "eq"; field: string; value: string; source: string }
  | { kind: "starts-with"; field: string; prefix: string; source: string }
  | { kind: "content-length-range"; minimum: number; maximum: number; source: string };

export type PostPolicy = { expiration: Date; conditions: PolicyCondition[] };

/** What a browser POST brings for the policy to judge: the URL's bucket, the form fields (lower-case names), the file. */
export type PostForm = { bucket: string; fields: Map<string, string>; fileSize: number };

// Fields a policy need not name (S3's list); everything else in the form must be allowed by a condition.
const exemptFields = new Set(["policy", "x-amz-signature", "file"]);

/** Reads a base64 POST policy document; a document S3 could not read is InvalidPolicyDocument. */
export function parsePolicy(encoded: string): PostPolicy {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    throw s3Errors.invalidPolicyDocument("Invalid JSON.");
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw s3Errors.invalidPolicyDocument("Invalid JSON.");
  }
  const { expiration, conditions } = document as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw s3Errors.invalidPolicyDocument("Policy missing expiration.");
  const expires = typeof expiration === "string" ? new Date(expiration) : new Date(Number.NaN);
  if (Number.isNaN(expires.getTime())) {
    throw s3Errors.invalidPolicyDocument(`Invalid 'expiration' value: '${String(expiration)}'`);
  }
  if (!Array.isArray(conditions)) throw s3Errors.invalidPolicyDocument("Policy missing conditions.");
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}

function parseCondition(condition: unknown): PolicyCondition {
  const source = formatCondition(condition);
  if (typeof condition === "object" && condition !== null && !Array.isArray(condition)) {
    const entries = Object.entries(condition);
    const [name, value] = entries[0] ?? [];
    if (entries.length !== 1 || typeof name !== "string" || typeof value !== "string") {
      throw s3Errors.invalidPolicyDocument(`Invalid simple condition: ${source}`);
    }
    return { kind: "eq", field: name.toLowerCase(), value, source };
  }
  if (!Array.isArray(condition) || condition.length !== 3) {
    throw s3Errors.invalidPolicyDocument(`Invalid condition: ${source}`);
  }
  const [operator, first, second] = condition as unknown[];
  const operation = typeof operator === "string" ? operator.toLowerCase() : "";
  if (operation === "content-length-range") {
    const minimum = Number(first);
    const maximum = Number(second);
    if (!Number.isInteger(minimum) || !Number.isInteger(maximum) || minimum < 0 || maximum < minimum) {
      throw s3Errors.invalidPolicyDocument(`Invalid content-length-range condition: ${source}`);
    }
    return { kind: "content-length-range", minimum, maximum, source };
  }
  if ((operation !== "eq" && operation !== "starts-with") || typeof first !== "string" || typeof second !== "string") {
    throw s3Errors.invalidPolicyDocument(`Invalid condition: ${source}`);
  }
  if (!first.startsWith("$")) {
    throw s3Errors.invalidPolicyDocument(`Condition field names must start with $: ${source}`);
  }
  const field = first.slice(1).toLowerCase();
  return operation === "eq"
    ? { kind: "eq", field, value: second, source }
    : { kind: "starts-with", field, prefix: second, source };
}

/** A condition written as S3 writes it in its error messages: `["eq", "$Content-Type", "image/png"]`. */
function formatCondition(condition: unknown): string {
  if (Array.isArray(condition)) return `[${condition.map((part) => JSON.stringify(part)).join(", ")}]`;
  return JSON.stringify(condition);
}

/**
 * Judges a browser POST by its policy as S3 does: not expired; every condition holds (`bucket` against the URL's
 * bucket, other names against the form fields, case-insensitively, `content-length-range` against the file); and
 * no form field is left that no condition names (except policy, x-amz-signature, file and x-ignore-*).
 */
export function enforcePolicy(policy: PostPolicy, form: PostForm, now: Date): void {
  if (now.getTime() > policy.expiration.getTime()) throw s3Errors.policyViolation("Policy expired.");
  const named = new Set<string>();
  for (const condition of policy.conditions) {
    if (condition.kind === "content-length-range") {
      if (form.fileSize > condition.maximum) throw s3Errors.entityTooLarge(form.fileSize, condition.maximum);
      if (form.fileSize < condition.minimum) throw s3Errors.entityTooSmall(form.fileSize, condition.minimum);
      continue;
    }
    named.add(condition.field);
    const value = condition.field === "bucket" ? form.bucket : (form.fields.get(condition.field) ?? "");
    const holds = condition.kind === "eq" ? value === condition.value : value.startsWith(condition.prefix);
    if (!holds) throw s3Errors.policyViolation(`Policy Condition failed: ${condition.source}`);
  }
  const extra = [...form.fields.keys()].filter(
    (field) => !exemptFields.has(field) && !field.startsWith("x-ignore-") && !named.has(field),
  );
  if (extra.length > 0) throw s3Errors.policyViolation(`Extra input fields: ${extra.join(", ")}`);
}
