import type { LinkName } from "../packages/core/src/declarations";

/**
 * The components functions are linked to, by the name the declarations link them by (packages/core's
 * declarations/links.ts says which function gets which). Each stacks module registers what it creates; a function
 * is linked after its module's imports have created everything it names.
 */
const components = new Map<LinkName, unknown>();

/** Registers `component` under its link name and returns it. */
export function linkable<T>(name: LinkName, component: T): T {
  components.set(name, component);
  return component;
}

/** The components of these names, for a function's `link`. */
export function linksNamed(names: readonly LinkName[]): unknown[] {
  return names.map((name) => {
    const component = components.get(name);
    if (component === undefined)
      throw new Error(`Nothing is registered to link as ${name}: import its stacks module first`);
    return component;
  });
}
