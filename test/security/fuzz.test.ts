import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiResponse } from "../support/api-events";
import { aPerson } from "../support/organisations";
import { type AttemptRequest, attempt, type Figures, noFigures, printFigures } from "./support/attempts";
import { type RouteSurface, routeSurfaces } from "./support/route-surface";
import { arbitraryOf, hostileValue, type IdSource, mutated } from "./support/schema-values";
import { aSeededOrganisation, type SeededOrganisation, startSupportingServices } from "./support/seeded-organisation";

/**
 * Property-based fuzzing of every route from its contract (RELIABILITY.md §A5): fast-check generates path
 * parameters, query and body from the route's zod schemas (as JSON Schema), valid-looking or broken in one place,
 * plus hostile values, tokens of every role and none, and odd headers. Each request goes to the route's real handler.
 * Properties: never a 5xx; every refusal is problem+json, validation with field paths; a refused request writes
 * nothing; nothing of another organisation leaks or is written. `FUZZ_SEED` replays a run, `FUZZ_RUNS_PER_ROUTE`
 * sizes it (100 a route: over 10,000 requests).
 */

const seed = Number(process.env.FUZZ_SEED ?? 20_261_202);
const runsPerRoute = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 100);
const figures: Figures = noFigures();
const statuses = new Map<number, number>();

// Deletes last, so that the records the other routes name are still there for most of the run.
const surfaces = routeSurfaces().sort(
  (a, b) => Number(a.route.method === "DELETE") - Number(b.route.method === "DELETE"),
);

let stopServices: (() => Promise<void>) | undefined;
let ours: SeededOrganisation;
let theirs: SeededOrganisation;
let outsiderToken: string;
beforeAll(async () => {
  stopServices = await startSupportingServices();
  ours = await aSeededOrganisation("Fuzz");
  theirs = await aSeededOrganisation("Other");
  outsiderToken = aPerson("outsider").token;
}, 120_000);
afterAll(async () => {
  await stopServices?.();
  const byStatus = [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${count}`)
    .join(", ");
  printFigures("fuzz suite", figures, ` (seed ${seed}; by status ${byStatus})`);
});

/** Ids of both organisations: the fuzzer mixes ours (to get past lookups) with theirs (to try to reach them). */
const bothOrganisations = (): IdSource => ({
  byPrefix: (prefix) => [...(ours.byPrefix[prefix] ?? []), ...(theirs.byPrefix[prefix] ?? []).slice(0, 1)],
  ofType: (type) => ours.byParameter[`${type}Id`],
});

const hostileText = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  fc.constantFrom("..", "null", "undefined", "__proto__", "constructor", "0", "-1", "1e309", "ＣＯＮ_１", " ", "%2F"),
  fc.integer({ min: 65, max: 3_000 }).map((length) => "x".repeat(length)),
);

function pathParameters(surface: RouteSurface): fc.Arbitrary<Record<string, string>> {
  const entries = Object.entries(surface.params?.properties ?? {}).map(([name, schema]) => {
    const value = fc.oneof(
      { weight: 12, arbitrary: fc.constant(ours.byParameter[name] as string) },
      { weight: 1, arbitrary: fc.constant(theirs.byParameter[name] as string) },
      { weight: 2, arbitrary: arbitraryOf(schema, bothOrganisations()).map(String) },
      { weight: 1, arbitrary: hostileText },
    );
    return [name, value] as const;
  });
  return fc.record(Object.fromEntries(entries));
}

function queryOf(surface: RouteSurface): fc.Arbitrary<Record<string, string>> {
  const properties = surface.query?.properties ?? {};
  const shape = Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [
      name,
      fc.oneof(
        { weight: 3, arbitrary: arbitraryOf(schema, bothOrganisations()).map(String) },
        { weight: 1, arbitrary: hostileText },
        { weight: 1, arbitrary: fc.constantFrom("0", "-1", "101", "1e9", "abc", "1.5", "") },
      ),
    ]),
  );
  return fc
    .tuple(
      fc.record(shape, { requiredKeys: [] }),
      fc.option(fc.tuple(fc.constantFrom("__proto__", "constructor", "access_token", "orgId", "x"), hostileText), {
        freq: 8,
      }),
    )
    .map(([query, unknown]) => {
      const result = { ...(query as Record<string, string>) };
      if (unknown) Object.defineProperty(result, unknown[0], { value: unknown[1], enumerable: true });
      return result;
    });
}

type BodyPart = { body?: unknown; rawBody?: string };

function bodyOf(surface: RouteSurface): fc.Arbitrary<BodyPart> {
  const rawBodies = fc.constantFrom('{"a":', "[1,2", "{'a':1}", "\u0000", "null", '"text"', "1e999", '{"a":1}{"b":2}');
  if (!surface.body)
    return fc.oneof(
      { weight: 9, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: fc.record({ rawBody: rawBodies }) },
    );
  const valid = arbitraryOf(surface.body, bothOrganisations());
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((body) => ({ body })) },
    { weight: 4, arbitrary: mutated(valid).map((body) => ({ body })) },
    { weight: 1, arbitrary: hostileValue.map((body) => ({ body })) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        rawBodies.map((rawBody) => ({ rawBody })),
        fc.constant({}),
      ),
    },
  );
}

function tokenOf(surface: RouteSurface): fc.Arbitrary<string | undefined> {
  // A provider's webhook receiver checks its provider's signature, never our tokens.
  if (surface.route.signedBy) return fc.constant(undefined);
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(ours.org.admin.token) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(ours.people.manager.token, ours.people.member.token, ours.people.viewer.token),
    },
    { weight: 1, arbitrary: fc.constantFrom(outsiderToken, undefined, "garbage", `${ours.org.admin.token}x`) },
  );
}

const headers = fc.record(
  {
    "if-match": fc.oneof(fc.constantFrom('"1"', "*", 'W/"1"', '"999"', ""), hostileText),
    "if-none-match": fc.constantFrom('"1"', "*", "garbage"),
    "idempotency-key": fc.oneof(fc.uuid(), hostileText),
    "content-type": fc.constantFrom(
      "text/plain",
      "application/json; charset=utf-16",
      "application/x-www-form-urlencoded",
      "",
    ),
    "x-request-id": hostileText,
  },
  { requiredKeys: [] },
);

function requestOf(surface: RouteSurface): fc.Arbitrary<AttemptRequest> {
  return fc
    .record({
      token: tokenOf(surface),
      params: pathParameters(surface),
      query: queryOf(surface),
      body: bodyOf(surface),
      headers: fc.option(headers, { freq: 4 }),
    })
    .map(({ token, params, query, body, headers }) => ({
      ...(token ? { token } : {}),
      params,
      query,
      ...body,
      ...(headers ? { headers: headers as Record<string, string> } : {}),
    }));
}

const validationPathPattern = /^(path|query|body|header)(\.|$)/;

/** What every answer must be, whatever the request: no 5xx, refusals as problem details, and nothing foreign. */
function checkAnswer(response: ApiResponse, outcome: Awaited<ReturnType<typeof attempt>>): void {
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  const said = JSON.stringify(response.body)?.slice(0, 500);
  if (response.status >= 500) throw new Error(`${response.status}: ${said}`);
  if (outcome.leaks.length > 0) throw new Error(`leaked ${outcome.leaks.join(", ")}: ${said}`);
  if (outcome.foreignWrites.length > 0)
    throw new Error(`wrote another organisation's ids: ${outcome.foreignWrites[0]?.input}`);
  if (response.status < 400) return;
  if (outcome.writes.length > 0)
    throw new Error(`a ${response.status} wrote ${outcome.writes.map((each) => each.entity)}`);
  if (response.headers["content-type"] !== "application/problem+json") throw new Error(`not problem+json: ${said}`);
  if (response.body?.status !== response.status || typeof response.body?.code !== "string") {
    throw new Error(`not problem details: ${said}`);
  }
  if (response.body.code === "validation-failed") {
    const errors = response.body.errors as { path?: unknown; message?: unknown }[] | undefined;
    if (!Array.isArray(errors) || errors.length === 0) throw new Error(`a validation failure without errors: ${said}`);
    for (const error of errors) {
      if (
        typeof error.path !== "string" ||
        !validationPathPattern.test(error.path) ||
        typeof error.message !== "string"
      ) {
        throw new Error(`a validation error without a field path: ${said}`);
      }
    }
  }
}

describe("fuzzing every route from its contract", () => {
  it.each(surfaces.map((surface, index) => [surface.routeId, surface, index] as const))(
    "%s never answers 5xx, refuses as problem details and writes nothing when it refuses",
    async (_, surface, index) => {
      await fc.assert(
        fc.asyncProperty(requestOf(surface), async (request) => {
          const outcome = await attempt(figures, theirs, surface.routeId, request);
          checkAnswer(outcome.response, outcome);
        }),
        { numRuns: runsPerRoute, seed: seed + index, endOnFailure: true },
      );
    },
    120_000,
  );

  it("sent over 10,000 requests with no 5xx, no leak and no write from a refused request", () => {
    expect(figures.attempts).toBeGreaterThanOrEqual(Math.min(10_000, runsPerRoute * surfaces.length));
    expect(figures.serverErrors).toBe(0);
    expect(figures.leaks).toBe(0);
    expect(figures.foreignWrites).toBe(0);
    expect(figures.writesOnRejected).toBe(0);
  });
});
