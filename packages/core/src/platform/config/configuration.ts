import { Resource } from "sst/resource";
import type { z } from "zod";

/**
 * What every capability's configuration is read from. In AWS the linked resources are SST links (`Resource.*`); the
 * local cloud and the tests provide the same `SST_RESOURCE_*` variables, plus a few local-only ones.
 */
export type ConfigSource = {
  /** A linked resource's properties (`Resource.<name>`), or undefined when the function is not linked to it. */
  linked(name: string): Readonly<Record<string, unknown>> | undefined;
  /** An environment variable, or undefined when it is unset or empty. */
  variable(name: string): string | undefined;
};

/** The running function's links and environment. */
export const runtimeConfigSource: ConfigSource = {
  linked(name) {
    try {
      return (Resource as unknown as Record<string, Readonly<Record<string, unknown>> | undefined>)[name];
    } catch {
      return undefined; // SST throws for a name the function is not linked to; the schema says what is missing
    }
  },
  variable: (name) => process.env[name] || undefined,
};

/** Whether the running function is linked to the resource (for a process that works with or without it). */
export function isLinked(name: string): boolean {
  return runtimeConfigSource.linked(name) !== undefined;
}

/** A configuration a function cannot work with, naming the capability, each field and what is wrong with it. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";

  constructor(
    readonly capability: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration: ${problems.map((problem) => `${capability}: ${problem}`).join("; ")}`);
  }
}

/** The schema's output for `input`, or a ConfigurationError listing every field it refused. */
export function parseConfig<S extends z.ZodType>(capability: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigurationError(
    capability,
    result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
  );
}

/** The schema message for a field whose linked resource is missing, instead of "expected string, received undefined". */
export function linkedFrom(resource: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `missing: the function is not linked to ${resource}` : undefined,
  };
}

/**
 * `load` run on the first call only: later calls return its value, or throw its error again (a configuration does
 * not change while the process runs, and SST reads the links once).
 */
export function once<T>(load: () => T): () => T {
  let outcome: { value: T } | { error: unknown } | undefined;
  return () => {
    if (!outcome) {
      try {
        outcome = { value: load() };
      } catch (error) {
        outcome = { error };
      }
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  };
}
