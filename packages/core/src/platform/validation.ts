import type { z } from "zod";
import { type FieldIssue, ValidationError } from "./errors";

/**
 * Zod issues as this API reports them: dotted paths under `location` (`body.emails.1`, `body.items.3.emails.0`), and
 * one issue per unknown field, since strict schemas refuse rather than drop them.
 */
export function fieldIssuesOf(location: string, issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const base = [location, ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: `${base}.${key}`,
        message: "Unknown field; it is not part of this API.",
      }));
    }
    return [{ path: base, message: issue.message }];
  });
}

/** The validation error for input that failed its schema, saying how many fields failed. */
export function invalidInput(issues: FieldIssue[]): ValidationError {
  const count = issues.length === 1 ? "One field is" : `${issues.length} fields are`;
  return new ValidationError(issues, `${count} invalid; see errors for each one.`);
}
