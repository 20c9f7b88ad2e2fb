import { AsyncLocalStorage } from "node:async_hooks";
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

/**
 * The links of the function running in this async context, where one process hosts many functions (the local
 * cloud); unset in AWS, where each function is its own process and SST gives it only what `stacks/` links it to.
 */
export type FunctionLinks = { readonly functionName: string; readonly names: ReadonlySet<string> };

const runningFunction = new AsyncLocalStorage<FunctionLinks>();

/** Runs `run` as the function of these links: a link it is not given reads as unlinked, as in AWS. */
export function runWithLinks<T>(links: FunctionLinks, run: () => T): T {
  return runningFunction.run(links, run);
}

/** Whether the running function is given the link (`App` always is: SST gives every function its app). */
function granted(name: string): boolean {
  const running = runningFunction.getStore();
  return !running || name === "App" || running.names.has(name);
}

/** The link names read by the `once` loads in progress, innermost last (loads are synchronous). */
const readsInProgress: Set<string>[] = [];

/** The running function's links and environment. */
export const runtimeConfigSource: ConfigSource = {
  linked(name) {
    for (const reads of readsInProgress) reads.add(name);
    if (!granted(name)) return undefined;
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

type Outcome<T> = { value: T } | { error: unknown };

/**
 * `load` run on the first call only: later calls return its value, or throw its error again (a configuration does
 * not change while the process runs, and SST reads the links once). Where one process hosts many functions, an
 * outcome is kept per set of links it read: a function not given a link another function loaded with reads it as
 * unlinked, and fails as it would in AWS.
 */
export function once<T>(load: () => T): () => T {
  const outcomes: { links: { name: string; granted: boolean }[]; outcome: Outcome<T> }[] = [];
  return () => {
    let kept = outcomes.find(({ links }) => links.every((link) => granted(link.name) === link.granted));
    if (kept) {
      // An enclosing load depends on what this one read, though it reads it from the cache.
      for (const reads of readsInProgress) for (const link of kept.links) reads.add(link.name);
    } else {
      const reads = new Set<string>();
      readsInProgress.push(reads);
      let outcome: Outcome<T>;
      try {
        outcome = { value: load() };
      } catch (error) {
        outcome = { error };
      } finally {
        readsInProgress.pop();
      }
      for (const enclosing of readsInProgress) for (const name of reads) enclosing.add(name);
      kept = { links: [...reads].map((name) => ({ name, granted: granted(name) })), outcome };
      outcomes.push(kept);
    }
    if ("error" in kept.outcome) throw kept.outcome.error;
    return kept.outcome.value;
  };
}
