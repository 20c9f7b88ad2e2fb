import { matchRoute, type Role, type RouteId, routes } from "@crm/core/declarations";
import { maxBodyBytes } from "@crm/functions/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, anApiEvent, invokeFallback } from "../support/api-events";
import { signedToken } from "../support/identity";
import { type AttemptRequest, attempt, type Figures, noFigures, printFigures } from "./support/attempts";
import {
  idPrefixOf,
  isTenantRoute,
  isWriteRoute,
  type JsonSchema,
  type RouteSurface,
  routeSurfaces,
} from "./support/route-surface";
import {
  defineField,
  type IdSource,
  idFieldsOf,
  objectsOf,
  pathOf,
  type Step,
  validValue,
} from "./support/schema-values";
import { aSeededOrganisation, type SeededOrganisation, startSupportingServices } from "./support/seeded-organisation";
import { tokenVectors } from "./support/token-vectors";

/**
 * The attack suite of RELIABILITY.md §A1, generated from the route table and the routes' contracts (the schemas the
 * OpenAPI document is generated from), so that a new route is attacked without anyone listing it: another
 * organisation's ids in every path, query and body field typed as an id (batch entries, `{ type, id }` references
 * and search included), server-owned fields on every write, the token vectors on every route, and the resource
 * limits. Every request is also checked for leaks of the other organisation's data and for writes.
 */

const surfaces = routeSurfaces();
const tenantSurfaces = surfaces.filter(isTenantRoute);
const authenticatedSurfaces = surfaces.filter((surface) => surface.route.access !== "public");
const figures: Figures = noFigures();

let stopServices: (() => Promise<void>) | undefined;
let ours: SeededOrganisation;
let theirs: SeededOrganisation;
beforeAll(async () => {
  stopServices = await startSupportingServices();
  ours = await aSeededOrganisation("Ours");
  theirs = await aSeededOrganisation("Theirs");
}, 120_000);
afterAll(async () => {
  await stopServices?.();
  printFigures("attack suite", figures);
});

const idsOf = (seeded: SeededOrganisation): IdSource => ({
  byPrefix: (prefix) => seeded.byPrefix[prefix] ?? [],
  ofType: (type) => seeded.byParameter[`${type}Id`],
});

const accepts = (surface: RouteSurface) => (value: unknown) => surface.contract.body?.safeParse(value).success ?? false;

/** A request our admin could make: our records in the path, a valid body of our ids, no query. */
function ourRequest(surface: RouteSurface, token = ours.org.admin.token): AttemptRequest {
  const params = Object.fromEntries(
    Object.keys(surface.params?.properties ?? {}).map((name) => {
      const value = ours.byParameter[name];
      if (!value) throw new Error(`The seeded organisation has no record for the path parameter {${name}}.`);
      return [name, value];
    }),
  );
  const body = surface.body ? validValue(surface.body, idsOf(ours), accepts(surface)) : undefined;
  if (surface.body && body === undefined) throw new Error(`No valid body could be built for ${surface.routeId}.`);
  return { token, params, ...(body === undefined ? {} : { body }) };
}

function expectProblem(response: ApiResponse, statuses: number[]) {
  expect(statuses, JSON.stringify(response.body)).toContain(response.status);
  expect(response.headers["content-type"]).toBe("application/problem+json");
  expect(response.body).toMatchObject({ status: response.status, code: expect.any(String) });
}

/** The value at `steps` in a built value (union branches are not part of the value). */
function valueAt(value: unknown, steps: Step[]): unknown {
  let current = value;
  for (const step of steps) {
    if ("property" in step) current = (current as Record<string, unknown>)?.[step.property];
    else if ("item" in step) current = (current as unknown[])?.[0];
  }
  return current;
}

const prototypeKeys = ["__proto__", "constructor"];

/** A refused request, or each entry of a batch (which answers 200 with one outcome per entry). */
function refusalsOf(response: ApiResponse): { status: number; code: string; paths: string[] }[] {
  const entries = response.status < 300 ? (response.body?.results as { status: number; error?: unknown }[]) : undefined;
  const refusals = entries
    ? entries.map((entry) => ({ status: entry.status, body: entry.error }) as ApiResponse)
    : [response];
  return refusals.map((refusal) => ({
    status: refusal.status,
    code: refusal.body?.code,
    paths: validationPaths(refusal),
  }));
}

const validationPaths = (response: ApiResponse): string[] =>
  ((response.body?.errors ?? []) as { path: string }[]).map((error) => error.path);

/** The field named by a validation error: the path itself, or an array holding it (`body.companyIds`). */
const names = (path: string) => (errorPath: string) =>
  errorPath !== "body" && (path === errorPath || path.startsWith(`${errorPath}.`));

describe("another organisation's ids", () => {
  const pathCases = tenantSurfaces.flatMap((surface) =>
    Object.entries(surface.params?.properties ?? {})
      .filter(([name, schema]) => name !== "orgId" && idPrefixOf(schema))
      .map(([name]) => [surface.routeId, name, surface] as const),
  );

  it.each(pathCases)(
    "%s answers 404 to their {%s} in our path, and reveals and writes nothing",
    async (_, name, surface) => {
      const request = ourRequest(surface);
      const outcome = await attempt(figures, theirs, surface.routeId, {
        ...request,
        params: { ...request.params, [name]: theirs.byParameter[name] as string },
      });
      // A list under a record may answer an empty page instead: as blind to whose id it was as a 404.
      if (outcome.response.status === 200 && surface.route.method === "GET")
        expect(outcome.response.body.data).toEqual([]);
      else expectProblem(outcome.response, [404]);
      expect(outcome.leaks).toEqual([]);
      expect(outcome.writes).toEqual([]);
    },
  );

  const queryCases = tenantSurfaces.flatMap((surface) =>
    Object.entries(surface.query?.properties ?? {})
      .filter(([name, schema]) => idPrefixOf(schema) || (isFreeText(schema) && name !== "cursor"))
      .map(([name, schema]) => [surface.routeId, name, surface, schema] as const),
  );

  it.each(queryCases)(
    "%s given their %s in the query reveals and writes nothing of theirs",
    async (_, name, surface, schema) => {
      const prefix = idPrefixOf(schema);
      const value = prefix ? theirs.byPrefix[prefix]?.[0] : theirs.marker;
      expect(value, `the other organisation has no ${prefix} record`).toBeDefined();
      const outcome = await attempt(figures, theirs, surface.routeId, {
        ...ourRequest(surface),
        query: { [name]: value as string },
      });
      expect(outcome.response.status).toBeLessThan(500);
      expect(outcome.leaks).toEqual([]);
      expect(outcome.foreignWrites).toEqual([]);
    },
  );

  it("searching for their names and emails finds nothing of theirs", async () => {
    for (const q of [theirs.marker, `${theirs.marker}Ada`, `${theirs.marker.toLowerCase()}@example.test`]) {
      const outcome = await attempt(figures, theirs, "search.query", {
        token: ours.org.admin.token,
        params: { orgId: ours.org.orgId },
        query: { q },
      });
      expect(outcome.response.status).toBe(200);
      expect(outcome.response.body.data).toEqual([]);
      expect(outcome.leaks).toEqual([]);
    }
  });

  type BodyCase = readonly [RouteId, string, RouteSurface, Step[], string | undefined, string | undefined];
  const bodyCases: BodyCase[] = tenantSurfaces
    .filter((surface) => surface.body)
    .flatMap((surface): BodyCase[] =>
      idFieldsOf(surface.body as JsonSchema).flatMap((field) =>
        "prefix" in field
          ? [[surface.routeId, pathOf("body", field.steps), surface, field.steps, field.prefix, undefined]]
          : field.referenceTypes.map(
              (type): BodyCase => [
                surface.routeId,
                `${pathOf("body", field.steps)} (${type})`,
                surface,
                field.steps,
                undefined,
                type,
              ],
            ),
      ),
    );

  // Fields whose id must be one of the same body's other ids: no body the schema accepts can hold a foreign id there
  // (any other id is a 400 at the field), and the foreign-id cases of those other fields cover the route.
  const boundToTheBody: Partial<Record<string, RegExp>> = {
    "contacts.merge": /^body\.fields\./,
    "companies.merge": /^body\.fields\./,
  };

  it.for(bodyCases)(
    "%s refuses their id in %s, and reveals and writes nothing of theirs",
    async ([routeId, where, surface, steps, prefix, type], context) => {
      if (boundToTheBody[routeId]?.test(where))
        return context.skip("it must name the body's own survivor or merged id");
      const theirId = prefix ? theirs.byPrefix[prefix]?.[0] : theirs.byParameter[`${type}Id`];
      // The seeded organisations hold no invoices or payments (they need connected books).
      if (!theirId && type) return context.skip(`the seeded organisations have no ${type} record`);
      if (!theirId) return expect.fail(`the other organisation has no ${prefix} record`);
      // A reference's type is set with its id, one step up.
      const body = prefix
        ? validValue(surface.body as JsonSchema, idsOf(ours), accepts(surface), steps, () => theirId)
        : validValue(surface.body as JsonSchema, idsOf(ours), accepts(surface), steps.slice(0, -1), (reference) => ({
            ...(reference as object),
            type,
            id: theirId,
          }));
      expect(body, "a body our schema accepts, with their id in the field").toBeDefined();
      const outcome = await attempt(figures, theirs, surface.routeId, { ...ourRequest(surface), body });
      expect(outcome.leaks).toEqual([]);
      expect(outcome.foreignWrites).toEqual([]);
      const { response } = outcome;
      const fieldPath = pathOf("body", steps);
      const isBatch = response.status < 300 && Array.isArray(response.body?.results);
      if (response.status < 300 && !isBatch) {
        // Accepted without storing the reference (a dry run): what it answered and wrote was checked above.
        return;
      }
      for (const refusal of refusalsOf(response)) {
        expect([400, 404]).toContain(refusal.status);
        if (refusal.status === 400)
          expect(refusal.paths, fieldPath).toSatisfy((paths: string[]) => paths.some(names(fieldPath)));
      }
      if (isBatch) return;
      expectProblem(response, [400, 404]);
      expect(outcome.writes).toEqual([]);
    },
  );
});

function isFreeText(schema: JsonSchema): boolean {
  return schema.type === "string" && !schema.enum && !schema.format && !idPrefixOf(schema);
}

/** Fields the server owns (identity, tenancy, versioning, audit, storage keys): a client may never set them. */
const serverOwnedFields = [
  "id",
  "orgId",
  "organisationId",
  "tenantId",
  "version",
  "createdAt",
  "updatedAt",
  "createdBy",
  "updatedBy",
  "deletedAt",
  "etag",
  "ownerMemberId",
  "secret",
  "pk",
  "sk",
  "gsi1pk",
  "gsi1sk",
  "__edb_e__",
  "__edb_v__",
  "expiresAt",
  "__proto__",
  "constructor",
];

describe("mass assignment", () => {
  const writeSurfaces = tenantSurfaces.filter(
    (surface) => isWriteRoute(surface) && surface.body?.type === "object" && surface.body.properties,
  );

  it.each(writeSurfaces.map((surface) => [surface.routeId, surface] as const))(
    "%s refuses every server-owned field in every object of its body with a 400 naming it, and writes nothing",
    async (_, surface) => {
      const schema = surface.body as JsonSchema;
      let tried = 0;
      for (const { steps, node } of objectsOf(schema)) {
        const base = validValue(schema, idsOf(ours), accepts(surface), steps);
        const target = valueAt(base, steps);
        if (!target || typeof target !== "object" || Array.isArray(target)) continue;
        for (const field of serverOwnedFields.filter((name) => !Object.hasOwn(node.properties ?? {}, name))) {
          const body = structuredClone(base);
          defineField(valueAt(body, steps) as Record<string, unknown>, field, field === "version" ? 999 : "forged");
          const outcome = await attempt(figures, theirs, surface.routeId, { ...ourRequest(surface), body });
          tried++;
          const fieldPath = `${pathOf("body", steps)}.${field}`;
          for (const refusal of refusalsOf(outcome.response)) {
            expect.soft(refusal.status, `${fieldPath}: ${JSON.stringify(outcome.response.body)}`).toBe(400);
            // The JSON parser refuses a prototype key below the top level before any schema sees it.
            if (refusal.code !== "malformed-json" || !prototypeKeys.includes(field)) {
              expect.soft(refusal.paths, fieldPath).toContain(fieldPath);
            }
          }
          expect.soft(outcome.writes, fieldPath).toEqual([]);
        }
      }
      expect(tried).toBeGreaterThan(0);
    },
  );
});

describe("the token vectors", () => {
  it.each(Object.keys(tokenVectors))(
    "%s is a 401 on every authenticated route, with the same answer",
    async (vector) => {
      const answers = new Set<string>();
      for (const surface of authenticatedSurfaces) {
        const token = tokenVectors[vector]?.(ours.org.admin.email) as string;
        const outcome = await attempt(figures, theirs, surface.routeId, { ...ourRequest(surface), token });
        expect.soft(outcome.response.status, surface.routeId).toBe(401);
        expect.soft(outcome.response.headers["www-authenticate"], surface.routeId).toMatch(/^Bearer realm="crm"/);
        expect.soft(outcome.writes, surface.routeId).toEqual([]);
        const { code, title, detail } = outcome.response.body ?? {};
        answers.add(JSON.stringify({ code, title, detail }));
      }
      expect([...answers]).toHaveLength(1);
    },
  );
});

describe("roles", () => {
  // The access matrix (test/handlers/access-matrix.test.ts) checks every route × role with a valid request; here a
  // token's own claims try to raise the role the membership gives.
  const adminOnlySurfaces = tenantSurfaces.filter((surface) => !(surface.route.access as Role[]).includes("viewer"));

  it.each(adminOnlySurfaces.map((surface) => [surface.routeId, surface] as const))(
    "%s still answers 403 to a viewer whose token claims to be an admin of the organisation",
    async (_, surface) => {
      const viewer = ours.people.viewer;
      const token = signedToken({
        email: viewer.email,
        role: "admin",
        "custom:role": "admin",
        "cognito:groups": ["admin"],
        orgId: ours.org.orgId,
      });
      const outcome = await attempt(figures, theirs, surface.routeId, { ...ourRequest(surface), token });
      expectProblem(outcome.response, [403]);
      expect(outcome.writes).toEqual([]);
    },
  );

  const paths = [...new Set(Object.values(routes).map((route) => route.path))];
  it.each(paths)("%s answers every method no route serves with 405 and the declared ones in Allow", async (path) => {
    const [routeId] = surfaces.filter((surface) => surface.route.path === path).map((surface) => surface.routeId);
    const event = anApiEvent(routeId as RouteId, { params: ours.byParameter, token: ours.org.admin.token });
    // A literal segment may also fit a sibling's parameter (`contacts/batch-create` and `contacts/{contactId}`).
    const unserved = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter(
      (method) => matchRoute(method, event.rawPath).kind !== "route",
    );
    const served = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((method) => !unserved.includes(method));
    for (const method of unserved) {
      event.requestContext.http.method = method;
      const answer = await invokeFallback(event);
      figures.attempts++;
      expect.soft(answer.statusCode, method).toBe(405);
      expect.soft(String(answer.headers?.allow).split(/,\s*/).sort(), method).toEqual(served.sort());
    }
  });
});

describe("resource limits", () => {
  const withBody = authenticatedSurfaces.filter((surface) => surface.body && !surface.route.signedBy);

  it.each(withBody.map((surface) => [surface.routeId, surface] as const))(
    "%s answers a body over 100 KB with 413 and a JSON nested 5,000 deep with a 4xx, writing nothing",
    async (_, surface) => {
      const request = ourRequest(surface);
      const huge = await attempt(figures, theirs, surface.routeId, {
        ...request,
        body: { padding: "x".repeat(maxBodyBytes) },
      });
      expectProblem(huge.response, [413]);
      expect(huge.writes).toEqual([]);
      const deep = await attempt(figures, theirs, surface.routeId, {
        ...request,
        rawBody: `{"nested":${"[".repeat(5000)}${"]".repeat(5000)}}`,
      });
      expectProblem(deep.response, [400]);
      expect(deep.writes).toEqual([]);
    },
  );

  const withLimit = tenantSurfaces.filter((surface) => surface.query?.properties?.limit);
  it.each(withLimit.map((surface) => [surface.routeId, surface] as const))(
    "%s refuses a page size outside its range or not a whole number with a 400 naming query.limit",
    async (_, surface) => {
      const maximum = surface.query?.properties?.limit?.maximum ?? 100;
      for (const limit of ["0", "-1", String(maximum + 1), "1e9", "abc", "1.5", "1e3", ""]) {
        const outcome = await attempt(figures, theirs, surface.routeId, { ...ourRequest(surface), query: { limit } });
        expect.soft(outcome.response.status, `limit=${limit}`).toBe(400);
        expect.soft(validationPaths(outcome.response), `limit=${limit}`).toContain("query.limit");
      }
    },
  );

  const writeSurfaces = tenantSurfaces.filter((surface) => isWriteRoute(surface) && surface.body?.properties);
  it.each(writeSurfaces.map((surface) => [surface.routeId, surface] as const))(
    "%s refuses every string over its maximum length and every list over its maximum size, naming the field",
    async (_, surface) => {
      const schema = surface.body as JsonSchema;
      for (const { steps, node } of objectsOf(schema)) {
        for (const [name, property] of Object.entries(node.properties ?? {})) {
          const bounded = [property, ...(property.anyOf ?? [])].find(
            (each) => (each.type === "string" && each.maxLength) || (each.type === "array" && each.maxItems),
          );
          if (!bounded) continue;
          const fieldSteps: Step[] = [...steps, { property: name }];
          const tooBig =
            bounded.type === "string"
              ? "x".repeat((bounded.maxLength as number) + 1)
              : Array.from({ length: (bounded.maxItems as number) + 1 }, () => "x");
          const body = validValue(schema, idsOf(ours), accepts(surface), fieldSteps.slice(0, -1), (object) =>
            object && typeof object === "object" && !Array.isArray(object) ? { ...object, [name]: tooBig } : object,
          );
          if (body === undefined || valueAt(body, fieldSteps) !== tooBig) continue;
          const outcome = await attempt(figures, theirs, surface.routeId, { ...ourRequest(surface), body });
          const fieldPath = pathOf("body", fieldSteps);
          for (const refusal of refusalsOf(outcome.response)) {
            expect.soft([400, 413], `${fieldPath}: ${refusal.status}`).toContain(refusal.status);
            if (refusal.status === 400) {
              expect
                .soft(refusal.paths, fieldPath)
                .toSatisfy((paths: string[]) =>
                  paths.some((path) => path === fieldPath || path.startsWith(`${fieldPath}.`)),
                );
            }
          }
          expect.soft(outcome.writes, fieldPath).toEqual([]);
        }
      }
    },
  );
});

describe("numbers", () => {
  const writeSurfaces = tenantSurfaces.filter((surface) => isWriteRoute(surface) && surface.body?.properties);
  const numberCases = writeSurfaces.flatMap((surface) =>
    objectsOf(surface.body as JsonSchema).flatMap(({ steps, node }) =>
      Object.entries(node.properties ?? {})
        .filter(([, property]) => [property, ...(property.anyOf ?? [])].some((each) => each.type === "number"))
        .map(
          ([name]) => [surface.routeId, pathOf("body", [...steps, { property: name }]), surface, steps, name] as const,
        ),
    ),
  );

  it.each(numberCases)(
    "%s refuses a number the table cannot store in %s with a 400 naming it",
    async (_, fieldPath, surface, steps, name) => {
      for (const unstorable of [1e-323, 1e-131, 1e126, -1e300]) {
        const fieldSteps: Step[] = [...steps, { property: name }];
        const body = structuredClone(validValue(surface.body as JsonSchema, idsOf(ours), accepts(surface), fieldSteps));
        const holder = valueAt(body, steps) as Record<string, unknown>;
        holder[name] = unstorable;
        expect(valueAt(body, fieldSteps), fieldPath).toBe(unstorable);
        const outcome = await attempt(figures, theirs, surface.routeId, { ...ourRequest(surface), body });
        expect.soft(outcome.response.status, `${unstorable}`).toBe(400);
        expect.soft(validationPaths(outcome.response), `${unstorable}`).toContain(fieldPath);
        expect.soft(outcome.writes).toEqual([]);
      }
    },
  );
});

describe("the attack suite's figures", () => {
  it("has found no 5xx, no leak and no write on another organisation's data", () => {
    expect(figures.attempts).toBeGreaterThan(0);
    expect(figures.serverErrors).toBe(0);
    expect(figures.leaks).toBe(0);
    expect(figures.foreignWrites).toBe(0);
  });
});
