/**
 * A pass-through HTTP proxy in front of DynamoDB Local that holds back the answer to a transaction until the
 * transaction is committed to its SQLite file.
 *
 * DynamoDB Local runs every SQLite statement as a job on one queue thread, and waits for each job, except for the
 * COMMIT of TransactWriteItems and ExecuteTransaction: `SQLiteDBAccess.commitTransaction` queues that job and returns,
 * so the success answer can reach the client before the COMMIT has run. A process killed in that moment rolls the
 * transaction back on the next start (the hot journal), although the client was told it succeeded. The queue runs
 * jobs in order, so once a later request has been answered the COMMIT queued before it has completed: the proxy
 * sends such a request (ListTables, Limit 1) before it passes a transaction's answer on.
 */
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";

export interface CommitBarrier {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

export interface CommitBarrierOptions {
  /** DynamoDB Local's own port on 127.0.0.1. */
  readonly upstreamPort: number;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** AWS SDK settings for the barrier's own requests to DynamoDB Local. */
  readonly clientConfig: ConstructorParameters<typeof DynamoDBClient>[0];
}

/** Listens on `port` (all interfaces, like DynamoDB Local itself) and forwards every request to DynamoDB Local. */
export async function startCommitBarrier(options: CommitBarrierOptions): Promise<CommitBarrier> {
  const agent = new Agent({ keepAlive: true });
  const client = new DynamoDBClient({ ...options.clientConfig, maxAttempts: 1 });
  const waitForCommit = async () => {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  };
  const server = createServer((incoming, outgoing) =>
    forward(incoming, outgoing, options.upstreamPort, agent, waitForCommit),
  );
  await new Promise<void>((resolveListening, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port, host: "0.0.0.0", exclusive: true }, () => {
      server.off("error", reject);
      resolveListening();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () => {
      closing ??= new Promise<void>((resolveClosed) => {
        server.close(() => resolveClosed());
        server.closeAllConnections();
        agent.destroy();
        client.destroy();
      });
      return closing;
    },
  };
}

/** The operations whose COMMIT DynamoDB Local does not wait for (both go through `commitTransaction`). */
const transactionTargets = new Set(["DynamoDB_20120810.TransactWriteItems", "DynamoDB_20120810.ExecuteTransaction"]);

function forward(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  upstreamPort: number,
  agent: Agent,
  waitForCommit: () => Promise<void>,
): void {
  const upstream = request(
    {
      host: "127.0.0.1",
      port: upstreamPort,
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
      agent,
    },
    (answer) => {
      const isTransaction = transactionTargets.has(String(incoming.headers["x-amz-target"]));
      const passOn = () => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      };
      if (!isTransaction || answer.statusCode !== 200) return passOn();
      waitForCommit().then(passOn, () => {
        // Whether the transaction was committed is unknown (DynamoDB Local stopped answering): no acknowledgement.
        answer.destroy();
        outgoing.destroy();
      });
    },
  );
  upstream.on("error", () => {
    if (outgoing.headersSent) outgoing.destroy();
    else outgoing.writeHead(502).end();
  });
  incoming.on("aborted", () => upstream.destroy());
  incoming.pipe(upstream);
}
