/**
 * The warm path per endpoint (issue 13): for each request, the DynamoDB requests the handler sent, the capacity they
 * consumed, the wall time spent waiting on DynamoDB and the time spent outside it; and the same data calls replayed
 * by a bare handler (a lib-dynamodb client sending the captured requests, nothing else) in the same run, so the
 * project's overhead is read as a ratio against what any Lambda pays. Then a cost model per million requests from
 * the measured capacity and durations.
 */
import * as dynamodbCommands from "@aws-sdk/client-dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { RouteId } from "@crm/core/declarations";
import { onDatabaseClient } from "@crm/core/platform";
import { localAwsClientConfig } from "@crm/local/dynamodb";

type Sent = { command: string; input: Record<string, unknown>; started: number; ended: number; units: number };

/**
 * What the handlers send, request by request, timed on the wire: the document client shares its middleware stack
 * with the plain client, and at the build step a command is the plain one (`GetItemCommand`) with its
 * marshalled input, as it goes out.
 */
const sent: Sent[] = [];

/** Times every request `client` sends, into `into`, with the capacity it reports. */
function timeRequests(client: { middlewareStack: DynamoDBClient["middlewareStack"] }, into: Sent[]): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const record: Sent = {
        command: context.commandName ?? "?",
        input: args.input as Record<string, unknown>,
        started: performance.now(),
        ended: 0,
        units: 0,
      };
      into.push(record);
      try {
        const result = await next(args);
        type Reported = { CapacityUnits?: number } | { CapacityUnits?: number }[];
        const consumed = (result.output as { ConsumedCapacity?: Reported } | undefined)?.ConsumedCapacity;
        record.units = [consumed ?? []].flat().reduce((sum, report) => sum + (report.CapacityUnits ?? 0), 0);
        return result;
      } finally {
        record.ended = performance.now();
      }
    },
    // After marshalling and serializing, around signing, retries, the HTTP request and its parsing.
    { step: "build", name: "benchTiming" },
  );
}
onDatabaseClient((client) => timeRequests(client as never, sent));

/** Wall time covered by the requests' intervals (requests sent together count once). */
function waitedOn(requests: Sent[]): number {
  const intervals = requests.map((request) => [request.started, request.ended] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [start, stop] of intervals) {
    if (stop <= end) continue;
    total += stop - Math.max(start, end);
    end = stop;
  }
  return total;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

export type WarmEndpoint = {
  name: string;
  /** The route to call, or `run` instead: a request made without the handler (the libraries' floor). */
  routeId?: RouteId;
  run?: (input: Record<string, unknown>) => Promise<unknown>;
  /** The request for the i-th iteration (i = -1 warms up). */
  input: (index: number) => Record<string, unknown>;
  /** Whether its data calls can be replayed as they were (reads; a replayed write would collide with the first). */
  replayable: boolean;
};

export type WarmPathFigures = {
  name: string;
  calls: number;
  units: number;
  p50: number;
  p99: number;
  outsideP50: number;
  outsideP99: number;
  bareOutsideP50?: number;
  bareOutsideP99?: number;
};

/**
 * Measures each endpoint `iterations` times. Per request: calls and units (means), total latency, and the share of
 * time outside DynamoDB (outside / waited on DynamoDB) at p50 and p99; the bare handler's share beside it.
 */
export async function benchWarmPath(options: {
  call: (routeId: RouteId, input: Record<string, unknown>) => Promise<unknown>;
  endpoints: WarmEndpoint[];
  iterations: number;
  dynamodbEndpoint: string;
}): Promise<WarmPathFigures[]> {
  const bare = new DynamoDBClient(localAwsClientConfig(options.dynamodbEndpoint));
  const bareSent: Sent[] = [];
  timeRequests(bare, bareSent);
  const figures: WarmPathFigures[] = [];
  console.log(
    "\nWarm path per endpoint (membership cached; outside = time not waiting on DynamoDB, as a share of the time waiting on it)\n",
  );
  try {
    for (const endpoint of options.endpoints) {
      const request = (input: Record<string, unknown>) => {
        if (endpoint.run) return endpoint.run(input);
        if (!endpoint.routeId) throw new Error(`${endpoint.name} has neither a route nor a run`);
        return options.call(endpoint.routeId, input);
      };
      await request(endpoint.input(-1));
      await request(endpoint.input(-1)); // the container's caches are warm from here
      const totals: number[] = [];
      const outside: number[] = [];
      const bareOutside: number[] = [];
      let calls = 0;
      let units = 0;
      for (let index = 0; index < options.iterations; index++) {
        sent.length = 0;
        const started = performance.now();
        await request(endpoint.input(index));
        const total = performance.now() - started;
        // Only what the request waited for: the rate limiter's background flush may still be on the wire.
        const awaited = sent.filter((request) => request.started < started + total && request.ended > 0);
        const waited = waitedOn(awaited);
        totals.push(total);
        outside.push((total - waited) / waited);
        calls += awaited.length;
        units += awaited.reduce((sum, request) => sum + request.units, 0);
        if (endpoint.replayable) bareOutside.push(await replayBare(bare, bareSent, awaited));
      }
      const row: WarmPathFigures = {
        name: endpoint.name,
        calls: calls / options.iterations,
        units: units / options.iterations,
        p50: quantile(totals, 0.5),
        p99: quantile(totals, 0.99),
        outsideP50: quantile(outside, 0.5),
        outsideP99: quantile(outside, 0.99),
        ...(endpoint.replayable
          ? { bareOutsideP50: quantile(bareOutside, 0.5), bareOutsideP99: quantile(bareOutside, 0.99) }
          : {}),
      };
      figures.push(row);
      const share = (value: number | undefined) =>
        value === undefined ? "   —  " : `${(value * 100).toFixed(0)} %`.padStart(6);
      console.log(
        `${row.name.padEnd(30)} calls ${row.calls.toFixed(2)}  units ${row.units.toFixed(1).padStart(5)}  ` +
          `p50 ${row.p50.toFixed(2)} ms  p99 ${row.p99.toFixed(2)} ms  outside p50 ${share(row.outsideP50)} p99 ${share(row.outsideP99)}  ` +
          `bare p50 ${share(row.bareOutsideP50)} p99 ${share(row.bareOutsideP99)}`,
      );
    }
  } finally {
    bare.destroy();
  }
  return figures;
}

/**
 * A bare handler doing the same data calls: the captured requests sent again by a plain client one after another
 * (the dependencies between them are not known), timed like the handler's. Its share outside DynamoDB is what the
 * SDK and the event loop cost any function.
 */
async function replayBare(client: DynamoDBClient, timed: Sent[], requests: Sent[]): Promise<number> {
  timed.length = 0;
  const started = performance.now();
  for (const request of requests) {
    const Command = (dynamodbCommands as unknown as Record<string, new (input: unknown) => object>)[request.command];
    if (!Command) throw new Error(`No command ${request.command} to replay`);
    await client.send(new Command(request.input) as never);
  }
  const total = performance.now() - started;
  const waited = waitedOn(timed);
  return (total - waited) / waited;
}

/**
 * List prices (us-east-1, 2026, on demand): Lambda arm64 $0.20 per million requests and $0.0000133334 per GB-second;
 * API Gateway HTTP API $1.00 per million; DynamoDB on-demand $0.625 per million write request units and $0.125 per
 * million read request units. A consumed capacity unit is a request unit here (on-demand bills what the requests
 * consume); locally DynamoDB Local reports the units AWS would charge.
 */
const prices = {
  lambdaRequest: 0.2,
  lambdaGbSecond: 0.000_013_333_4,
  httpApiRequest: 1,
  writeUnit: 0.625,
  readUnit: 0.125,
};

/**
 * The always-on comparison: the same API on one small server, a managed Postgres and a managed Redis
 * (EC2 t4g.small $12.26, RDS db.t4g.micro single-AZ with 20 GB $13.94, ElastiCache cache.t4g.micro $11.68, per month
 * of 730 hours), paid whether a request comes or not.
 */
const alwaysOnMonthly = 12.26 + 13.94 + 11.68;

/**
 * Cost per million requests of each endpoint, from its measured units and p50 duration (billed in 1 ms steps at the
 * functions' 512 MB), and the traffic at which the serverless stack costs what the always-on one costs.
 */
export function printCostModel(figures: WarmPathFigures[], writes: ReadonlySet<string>, memoryMb = 512): void {
  console.log(
    `\nCost per million requests (list prices, on demand; Lambda at ${memoryMb} MB billed by the measured p50)\n`,
  );
  const perMillion = figures.map((row) => {
    const unitPrice = writes.has(row.name) ? prices.writeUnit : prices.readUnit;
    const compute = (Math.ceil(row.p50) / 1000) * (memoryMb / 1024) * prices.lambdaGbSecond * 1e6;
    const total = prices.httpApiRequest + prices.lambdaRequest + compute + row.units * unitPrice;
    console.log(
      `${row.name.padEnd(30)} $${total.toFixed(2)}  (gateway $1.00, Lambda $${(prices.lambdaRequest + compute).toFixed(2)}, DynamoDB $${(row.units * unitPrice).toFixed(2)})`,
    );
    return total;
  });
  const mean = perMillion.reduce((sum, value) => sum + value, 0) / perMillion.length;
  console.log(
    `mean of these endpoints: $${mean.toFixed(2)} per million requests; idle: $0 (storage aside). The always-on stack ` +
      `costs $${alwaysOnMonthly.toFixed(2)} a month at any traffic: the same at ${(Math.round((alwaysOnMonthly / mean) * 100) * 1e4).toLocaleString("en")} requests a month.`,
  );
}
