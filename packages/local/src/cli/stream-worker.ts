import { domainEventFailuresQueueName, tableStreamSubscription } from "@crm/core/declarations";
import { domainEventFailuresConfig, isLinked, tableConfig } from "@crm/core/platform";
import { startStreamReader } from "../events";

/**
 * Runs the table-stream subscriber as a process of its own, configured like a handler (SST_RESOURCE_*,
 * DYNAMODB_ENDPOINT, EVENTBRIDGE_ENDPOINT) plus STREAM_CHECKPOINT_FILE. The local cloud runs the reader in-process;
 * this exists so a test can kill it between a write and its publication and start another one.
 */
const { name: tableName, dynamodbEndpoint } = tableConfig();
const failureQueueUrl = isLinked(domainEventFailuresQueueName) ? domainEventFailuresConfig().queueUrl : undefined;
if (!dynamodbEndpoint) throw new Error("DYNAMODB_ENDPOINT is required.");
const reader = await startStreamReader({
  dynamodbEndpoint,
  tableName,
  subscription: tableStreamSubscription,
  ...(failureQueueUrl ? { failureQueueUrl } : {}),
  ...(process.env.STREAM_CHECKPOINT_FILE ? { checkpointFile: process.env.STREAM_CHECKPOINT_FILE } : {}),
  log: (message) => process.stderr.write(`${message}\n`),
});
process.stdout.write("ready\n");
// Never outlive the process that started this one (a test run that crashed): check once a second.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    void reader.stop().finally(() => process.exit(0));
  }
}, 1000).unref();
process.on("SIGTERM", () => {
  void reader.stop().then(() => process.exit(0));
});
