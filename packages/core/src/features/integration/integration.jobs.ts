import { providerIds } from "../../declarations/integrations";
import { renewCalendarChannel } from "./calendar.channels";
import { ConnectionEntity } from "./connection.entity";
import type { ConnectionItem } from "./connection.queries";
import { connectionNeedsReauth } from "./connection.service";
import { renewGmailWatch } from "./gmail.sync";
import { runRequestedSync } from "./sync-dispatch";
import { accessTokenFor } from "./token-refresh";

/** Every active connection of every provider: the provider index is the one deliberate cross-tenant walk. */
async function activeConnections(): Promise<ConnectionItem[]> {
  const all = await Promise.all(
    providerIds.map(async (provider) => {
      const { data } = await ConnectionEntity.query.connectionsOfProvider({ provider }).go({ pages: "all" });
      return data.filter((connection) => connection.status === "active");
    }),
  );
  return all.flat();
}

async function forEachUntil<T>(items: T[], deadline: number, run: (item: T) => Promise<void>): Promise<number> {
  let done = 0;
  for (const item of items) {
    if (Date.now() > deadline) break; // what is left runs next time
    await run(item);
    done++;
  }
  return done;
}

/**
 * The safety poll: syncs every active connection (pushes can be late or lost, and Calendar channels expire), each
 * from its own cursor, until the deadline. A connection's failure is its own: it is recorded in its sync state and
 * does not stop the others.
 */
export async function syncAllConnections(options: { deadline: number }) {
  const connections = await activeConnections();
  const outcomes: Record<string, number> = { connections: connections.length };
  await forEachUntil(connections, options.deadline, async (connection) => {
    const outcome = await runRequestedSync({
      provider: connection.provider,
      orgId: connection.orgId,
      connectionId: connection.connectionId,
    }).catch(() => "failed" as const);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  });
  return outcomes;
}

/**
 * The daily keep-alive: every active connection's token is used (refreshed when it expired), so a grant never idles
 * out at the provider (Google: six months unused), and every Gmail watch and Calendar channel is renewed.
 */
export async function keepConnectionsAlive(options: { deadline: number }) {
  const connections = await activeConnections();
  const summary = { connections: connections.length, refreshed: 0, watchesRenewed: 0, failed: 0 };
  await forEachUntil(connections, options.deadline, async (connection) => {
    const keys = { orgId: connection.orgId, connectionId: connection.connectionId };
    try {
      await accessTokenFor(keys, connectionNeedsReauth);
      summary.refreshed++;
      if (connection.provider === "google-gmail" && (await renewGmailWatch(connection))) summary.watchesRenewed++;
      if (connection.provider === "google-calendar" && (await renewCalendarChannel(connection))) {
        summary.watchesRenewed++;
      }
    } catch {
      summary.failed++; // recorded in the connection's log and status
    }
  });
  return summary;
}
