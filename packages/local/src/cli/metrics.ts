import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { emfRecordsOf, formatRouteLatencies, routeLatencySummaries } from "../metrics";
import { assertLambdaNodeMajor, repositoryRoot } from "./repository";

assertLambdaNodeMajor();

const usage = `Usage: npm run metrics [-- --file <path>] [-- --since <minutes>]

Prints, per HTTP route, the request count, the p50, p95 and p99 latency and the shares of 4xx and 5xx answers,
from the metrics the local cloud's functions wrote (the same EMF records CloudWatch reads in AWS).
  --file    the metrics file (default: METRICS_FILE, else .data/metrics.ndjson, where npm start writes them)
  --since   only the last <minutes> minutes`;

const { values } = parseArgs({
  options: {
    file: { type: "string" },
    since: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const minutes = values.since === undefined ? undefined : Number(values.since);
if (minutes !== undefined && !(minutes > 0)) {
  console.error(`--since takes a number of minutes, not "${values.since}".\n\n${usage}`);
  process.exit(1);
}

const file = resolve(values.file ?? process.env.METRICS_FILE ?? join(repositoryRoot, ".data", "metrics.ndjson"));
let text: string;
try {
  text = await readFile(file, "utf8");
} catch {
  console.error(`No metrics at ${file}: start the local cloud (npm start) and send it some requests first.`);
  process.exit(1);
}
const summaries = routeLatencySummaries(emfRecordsOf(text), minutes ? Date.now() - minutes * 60_000 : 0);
if (summaries.length === 0) {
  console.log(`No route has metrics in ${file}${minutes ? ` for the last ${minutes} minutes` : ""}.`);
} else {
  console.log(formatRouteLatencies(summaries));
}
