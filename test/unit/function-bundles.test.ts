import { describe, expect, it } from "vitest";
import { bundleFunctions, declaredFunctions, type FunctionBundle } from "../bench/function-bundles";

// A few functions only, in one build: `npm run bundles` measures them all.
const measured = ["ws authorizer", "table stream", "health.get", "automationRules.list"];
const bundles = new Map<string, FunctionBundle>();

async function bundleOf(name: string): Promise<FunctionBundle> {
  if (bundles.size === 0) {
    const declared = declaredFunctions().filter((function_) => measured.includes(function_.name));
    for (const bundle of await bundleFunctions(declared)) bundles.set(bundle.name, bundle);
  }
  const bundle = bundles.get(name);
  if (!bundle) throw new Error(`${name} is not a declared function`);
  return bundle;
}

const entityFilesIn = (bundle: FunctionBundle) => bundle.modules.filter((module) => module.endsWith(".entity.ts"));

describe("function bundles, built as SST builds them", () => {
  it("the WebSocket authorizer's bundle holds no entity and no service", async () => {
    const bundle = await bundleOf("ws authorizer");
    expect(bundle.modules.filter((module) => /\.(entity|service)\.ts$/.test(module))).toEqual([]);
  }, 60_000);

  it("the table-stream subscriber's bundle holds no entity but the audit entry, its outbox, and the change feed it fills", async () => {
    const bundle = await bundleOf("table stream");
    expect(entityFilesIn(bundle).sort()).toEqual([
      "packages/core/src/capabilities/audit/audit-entry.entity.ts",
      "packages/core/src/capabilities/change-feed/change-feed-entry.entity.ts",
      "packages/core/src/capabilities/change-feed/change-feed-receipt.entity.ts",
    ]);
  }, 60_000);

  // A handler names its domain's contracts (not the table of every contract), the schemas take their enum values from
  // dependency-free *.constants.ts files, and public routes are built without the signed-in routes' middleware.
  it("the health check's bundle holds no entity", async () => {
    expect(entityFilesIn(await bundleOf("health.get"))).toEqual([]);
  }, 60_000);

  // The rule engine reaches records through services composed above it (composition/automation-runner.ts), which
  // only the functions that run rules import.
  it("listing automation rules does not bundle the deal entity", async () => {
    expect(entityFilesIn(await bundleOf("automationRules.list"))).not.toContain(
      "packages/core/src/domain/deal/deal.entity.ts",
    );
  }, 60_000);
});
