/**
 * Which linked resources each declared function gets, by name, declared once: `stacks/` links the components of
 * these names, and the local cloud grants each function only these names (a function reading a resource it is not
 * linked to fails locally as it fails in AWS). Free of runtime dependencies: SST's config loader imports it.
 */
import { authSettingsName, cursorSigningKeyName } from "./auth";
import {
  type BusSubscription,
  busDeadLettersQueueName,
  busName,
  busSubscriptions,
  domainEventFailuresQueueName,
  tableStreamSubscription,
} from "./events";
import { bucketSubscriptions, filesBucketName, malwareScanSubscription } from "./files";
import {
  googleSettingsName,
  integrationSettingsName,
  intuitSettingsName,
  oauthStateSigningKeyName,
  tokenVaultName,
  xeroSettingsName,
} from "./integrations";
import type { RouteDeclaration } from "./route-declaration";
import { fallbackRoute, routes } from "./routes";
import { type ScheduleDeclaration, schedules } from "./schedules";
import { tableName } from "./table";
import { type WebSocketRouteDeclaration, websocketApiName, websocketAuthorizer, websocketRoutes } from "./websocket";

/** The name of a linkable resource: the SST component's name and the key of `Resource.*`. */
export type LinkName =
  | typeof tableName
  | typeof authSettingsName
  | typeof cursorSigningKeyName
  | typeof busName
  | typeof busDeadLettersQueueName
  | typeof domainEventFailuresQueueName
  | typeof websocketApiName
  | typeof filesBucketName
  | typeof tokenVaultName
  | typeof oauthStateSigningKeyName
  | typeof integrationSettingsName
  | typeof googleSettingsName
  | typeof intuitSettingsName
  | typeof xeroSettingsName;

/** What verifying a token and signing a cursor need: every signed-in function has them. */
const signedInLinks: readonly LinkName[] = [tableName, authSettingsName, cursorSigningKeyName];

/** Everything an integration function is linked to, besides the table: the vault, the state key and the providers. */
const integrationLinks: readonly LinkName[] = [
  tokenVaultName,
  oauthStateSigningKeyName,
  integrationSettingsName,
  googleSettingsName,
  intuitSettingsName,
  xeroSettingsName,
];
const vaultLinks: readonly LinkName[] = [tokenVaultName];
const filesLinks: readonly LinkName[] = [filesBucketName];
const tableLinks: readonly LinkName[] = [tableName];
const busLinks: readonly LinkName[] = [busName];

type Uses = readonly ("integrations" | "vault" | "files")[];

/** What a function declares it uses: the integrations' resources, or the token vault alone (they include it), and the bucket. */
const usedLinks = (uses: Uses = []): LinkName[] => [
  ...(uses.includes("integrations") ? integrationLinks : uses.includes("vault") ? vaultLinks : []),
  ...(uses.includes("files") ? filesLinks : []),
];

/**
 * A route's function: tenant and signed-in routes read the table and verify tokens; a public route only what it
 * declares. What a route declares it uses comes on top.
 */
export function routeLinks(route: RouteDeclaration): LinkName[] {
  const uses = route.uses ?? [];
  return [
    ...(route.access === "public" ? (uses.includes("table") ? tableLinks : []) : signedInLinks),
    ...(uses.includes("integrations") ? integrationLinks : uses.includes("vault") ? vaultLinks : []),
    ...(uses.includes("bus") ? busLinks : []),
    ...(uses.includes("files") ? filesLinks : []),
  ];
}

/** Subscribers and jobs push to WebSocket connections (fan-out, automation's notifications) and publish events. */
const eventLinks: readonly LinkName[] = [...signedInLinks, busName, websocketApiName];

/** A bus subscriber; the dead-letter queue is linked so the function's role may send to it (its on-failure destination). */
export function busSubscriberLinks(subscription: BusSubscription): LinkName[] {
  return [...eventLinks, busDeadLettersQueueName, ...usedLinks(subscription.uses)];
}

/** The table's stream subscriber, with the queue of stream records that never became events. */
export const tableStreamLinks: readonly LinkName[] = [...eventLinks, domainEventFailuresQueueName];

export function jobLinks(job: ScheduleDeclaration): LinkName[] {
  return [...eventLinks, ...usedLinks(job.uses)];
}

/** A WebSocket route; one that replies posts through the management API, which the link grants. */
export function websocketRouteLinks(route: WebSocketRouteDeclaration): LinkName[] {
  return route.pushes ? [...signedInLinks, websocketApiName] : [...signedInLinks];
}

export const websocketAuthorizerLinks: readonly LinkName[] = signedInLinks;

/** The upload check, invoked by S3's notification or by GuardDuty's scan result. */
export const fileCheckLinks: readonly LinkName[] = [tableName, filesBucketName];

/** The `$default` route answers 404 and 405 from the route table alone. */
export const fallbackLinks: readonly LinkName[] = [];

/**
 * Every declared function's handler with the names it is linked to: what the local cloud grants each. One handler
 * string is one function (each endpoint, subscriber and job has its own module).
 */
export function declaredFunctionLinks(): ReadonlyMap<string, readonly LinkName[]> {
  const entries: (readonly [string, readonly LinkName[]])[] = [
    ...Object.values(routes as Record<string, RouteDeclaration>).map(
      (route) => [route.handler, routeLinks(route)] as const,
    ),
    [fallbackRoute.handler, fallbackLinks],
    ...Object.values(busSubscriptions as Record<string, BusSubscription>).map(
      (subscription) => [subscription.handler, busSubscriberLinks(subscription)] as const,
    ),
    [tableStreamSubscription.handler, tableStreamLinks],
    ...Object.values(schedules as Record<string, ScheduleDeclaration>).map(
      (job) => [job.handler, jobLinks(job)] as const,
    ),
    ...Object.values(websocketRoutes as Record<string, WebSocketRouteDeclaration>).map(
      (route) => [route.handler, websocketRouteLinks(route)] as const,
    ),
    [websocketAuthorizer.handler, websocketAuthorizerLinks],
    ...Object.values(bucketSubscriptions).map((subscription) => [subscription.handler, fileCheckLinks] as const),
    [malwareScanSubscription.handler, fileCheckLinks],
  ];
  const links = new Map<string, readonly LinkName[]>();
  for (const [handler, names] of entries) {
    if (links.has(handler)) throw new Error(`Two declared functions share the handler ${handler}`);
    links.set(handler, [...new Set(names)]);
  }
  return links;
}
