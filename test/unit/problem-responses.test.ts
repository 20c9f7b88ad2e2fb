import { LastAdminError } from "@crm/core/member";
import { PipelineInUseError } from "@crm/core/pipeline";
import {
  ConcurrentModificationError,
  DomainError,
  DuplicateError,
  ForbiddenError,
  InvalidCursorError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from "@crm/core/platform";
import { systemContracts } from "@crm/core/system";
import { RestoreConflictError } from "@crm/core/trash";
import { problemOf, publicEndpoint } from "@crm/functions/platform";
import { lambdaContext } from "@crm/local/gateway";
import { describe, expect, it } from "vitest";
import { anApiEvent } from "../support/api-events";

/** An error the problem mapping has never heard of, with a field and a header of its own. */
class StageLockedError extends DomainError<"concurrent-modification"> {
  readonly code = "concurrent-modification";
  constructor(
    readonly lockedUntil: string,
    options?: ErrorOptions,
  ) {
    super("The stage is locked while its totals are rebuilt.", options);
  }

  override problemFields() {
    return { lockedUntil: this.lockedUntil };
  }

  override problemHeaders() {
    return { "retry-after": "5" };
  }
}

/** A code no catalogue entry covers, as a class that bypassed DomainErrorCode would carry. */
class UncataloguedError extends DomainError {
  readonly code = "not-a-problem-code";
}

describe("a domain error's problem", () => {
  it("carries the fields and headers its class declares, though the problem mapping does not know the class", async () => {
    const handler = publicEndpoint("health.get", systemContracts, async () => {
      throw new StageLockedError("2030-01-01T00:00:05Z");
    });

    const response = await handler(anApiEvent("health.get"), lambdaContext("health.get"));

    expect(response.statusCode).toBe(409);
    expect(response.headers).toMatchObject({
      "content-type": "application/problem+json",
      "retry-after": "5",
    });
    expect(JSON.parse(response.body ?? "")).toMatchObject({
      code: "concurrent-modification",
      detail: "The stage is locked while its totals are rebuilt.",
      lockedUntil: "2030-01-01T00:00:05Z",
    });
  });

  it("is an opaque 500 when its code is not in the problem catalogue", async () => {
    const handler = publicEndpoint("health.get", systemContracts, async () => {
      throw new UncataloguedError("Internal detail that must not leak.");
    });

    const response = await handler(anApiEvent("health.get"), lambdaContext("health.get"));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain("Internal detail");
    expect(JSON.parse(response.body ?? "")).toMatchObject({ code: "internal-error" });
  });

  it("of a validation failure lists the field issues as `errors`", () => {
    const issues = [{ path: "body.email", message: "Invalid email address" }];

    const problem = problemOf(new ValidationError(issues));

    expect(problem).toMatchObject({ code: "validation-failed", extensions: { errors: issues }, headers: {} });
  });

  it("of a duplicate names the record that holds the value as `existing`", () => {
    const existing = { type: "contact", id: "con_01" };

    const problem = problemOf(new DuplicateError("email", "ada@example.test", existing));

    expect(problem).toMatchObject({ code: "duplicate", extensions: { existing }, headers: {} });
  });

  it("of a failed precondition sends the current ETag and no extra fields", () => {
    const problem = problemOf(new PreconditionFailedError("contact", "con_01", '"4"'));

    expect(problem).toMatchObject({ code: "precondition-failed", extensions: {}, headers: { etag: '"4"' } });
  });

  it("of an error that adds nothing has no extra fields or headers", () => {
    const problem = problemOf(new NotFoundError("contact", "con_01"));

    expect(problem).toMatchObject({ code: "not-found", extensions: {}, headers: {} });
  });
});

describe("every domain error", () => {
  const cause = new Error("what went wrong underneath");

  it.each([
    ["ValidationError", new ValidationError([], "The request is invalid.", { cause })],
    ["NotFoundError", new NotFoundError("contact", "con_01", { cause })],
    ["DuplicateError", new DuplicateError("email", "ada@example.test", { type: "contact", id: "con_01" }, { cause })],
    ["ForbiddenError", new ForbiddenError("Viewers cannot delete deals.", { cause })],
    ["InvalidCursorError", new InvalidCursorError({ cause })],
    ["ConcurrentModificationError", new ConcurrentModificationError("deal", "deal_01", { cause })],
    ["PreconditionFailedError", new PreconditionFailedError("deal", "deal_01", '"2"', { cause })],
    ["PipelineInUseError", new PipelineInUseError("The pipeline still has deals.", { cause })],
    ["LastAdminError", new LastAdminError({ cause })],
    ["RestoreConflictError", new RestoreConflictError("The deal's stage is gone.", { cause })],
    ["a subclass the mapping does not know", new StageLockedError("2030-01-01T00:00:05Z", { cause })],
  ])("%s keeps the cause it was given", (name, error) => {
    expect(error.cause).toBe(cause);
    if (!name.startsWith("a ")) expect(error.name).toBe(name);
  });
});
