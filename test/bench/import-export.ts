/**
 * The import and export benchmark of `npm run bench`: a generated CSV of `rows` contacts (with the columns a CRM
 * export has, accents, and one row in 50 a duplicate email) uploaded through the files flow, imported by the real
 * runner chunk after chunk (each chunk is what one bus-triggered invocation does), then the contacts exported as
 * CSV and as NDJSON. Reports rows per second and the process's memory: the heap is sampled while the work runs, and
 * an import of a tenth of the rows first shows whether the peak grows with the row count.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { RouteId } from "@crm/core/declarations";
import { rowConcurrency } from "@crm/core/import";
import type { LocalS3 } from "@crm/local/s3";

type Call = (routeId: RouteId, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

const firstNames = "Zoë José Łukasz Søren Siobhán Thành Ayşe Amélie Jürgen Noémie Ada Alan Grace Emeka Priya".split(
  " ",
);
const lastNames = "Martin García Nowak Jensen Murphy Nguyễn Yılmaz Dubois Müller Roux Lovelace Turing Hopper".split(
  " ",
);

/** The CSV text of `rows` contacts; every 50th row repeats the email of the row before it. */
export function contactsCsv(rows: number, seed: string): Uint8Array {
  const lines = ["First Name,Last Name,E-mail Address,Phone,Job title,Company,Tags"];
  for (let index = 0; index < rows; index++) {
    const first = firstNames[index % firstNames.length] as string;
    const last = lastNames[(index * 7) % lastNames.length] as string;
    const emailIndex = index % 50 === 49 ? index - 1 : index;
    lines.push(
      [
        first,
        last,
        `c${emailIndex}.${seed}@bench.example`,
        `+44 20 7946 ${String(index % 10_000).padStart(4, "0")}`,
        index % 3 === 0 ? '"Head of Sales, EMEA"' : "Account Manager",
        `Company ${index % 997}`,
        index % 2 === 0 ? "customer;bench" : "lead",
      ].join(","),
    );
  }
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

/**
 * Samples the process's memory while `work` runs: RSS every 100 ms, and the live heap (after a full collection)
 * every 2 s when the bench runs with `--expose-gc`, as `npm run bench` does: the peak live heap is what grows if
 * memory is not flat in the row count, unlike the heap used, which also counts garbage not yet collected.
 */
async function measured<T>(work: () => Promise<T>) {
  const collect = (globalThis as { gc?: () => void }).gc;
  const liveHeap = () => {
    collect?.();
    return process.memoryUsage().heapUsed;
  };
  const startHeap = liveHeap();
  let peakHeap = startHeap;
  let peakRss = process.memoryUsage().rss;
  let samples = 0;
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (++samples % 20 === 0) peakHeap = Math.max(peakHeap, collect ? liveHeap() : process.memoryUsage().heapUsed);
  }, 100);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, startHeap, peakHeap, peakRss };
  } finally {
    clearInterval(sample);
  }
}

/**
 * The baseline: transactions of `items` plain puts, as many as the import had rows (at most `count`), sent as the
 * import sends its rows, straight through the document client, with no service code at all.
 */
async function transactionCeiling(table: { name: string; endpoint: string }, items: number, count: number) {
  const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
  const { TransactWriteCommand } = await import("@aws-sdk/lib-dynamodb");
  const { localAwsClientConfig } = await import("@crm/local/dynamodb");
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(localAwsClientConfig(table.endpoint)));
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < count) {
      const index = sent++;
      await client.send(
        new TransactWriteCommand({
          TransactItems: Array.from({ length: items }, (_, item) => ({
            Put: {
              TableName: table.name,
              Item: {
                pk: `ceiling#${index}#${item}`,
                sk: "bench",
                gsi1pk: `ceiling#${item}`,
                gsi1sk: String(index),
                data: "x".repeat(200),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          })),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: rowConcurrency }, worker));
  const perSecond = count / ((performance.now() - started) / 1000);
  client.destroy();
  return perSecond;
}

/** Counts the DynamoDB requests the work sends (every one goes through the document client) and the items written. */
function countingDynamoDbRequests() {
  const calls = new Map<string, number>();
  let transactionItems = 0;
  const send = DynamoDBDocumentClient.prototype.send;
  DynamoDBDocumentClient.prototype.send = function (
    this: DynamoDBDocumentClient,
    command: { constructor: { name: string }; input?: { TransactItems?: unknown[] } },
    ...rest: unknown[]
  ) {
    const name = command.constructor.name.replace(/Command$/, "");
    calls.set(name, (calls.get(name) ?? 0) + 1);
    transactionItems += command.input?.TransactItems?.length ?? 0;
    return (send as (...args: unknown[]) => unknown).call(this, command, ...rest);
  } as typeof send;
  return {
    stop: () => {
      DynamoDBDocumentClient.prototype.send = send;
      return { calls, transactionItems };
    },
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Runs the benchmark against the S3 stand-in linked as the files' bucket (see `linkLocalS3`). */
export async function benchImportExport(options: {
  call: Call;
  rows: number;
  s3: LocalS3;
  table: { name: string; endpoint: string };
}) {
  const { call, rows } = options;
  const { uploadTo } = await import("../support/files");
  const { deliverBucketNotifications } = await import("@crm/local/s3");
  const stopNotifications = deliverBucketNotifications(options.s3);
  try {
    const { runImportChunk } = await import("@crm/core/import");
    const { runExport } = await import("@crm/core/export");

    const importContacts = async (count: number, seed: string) => {
      const orgId = (await call("orgs.create", { body: { name: `Import bench ${seed}` } })).id as string;
      const holder = await call("contacts.create", {
        params: { orgId },
        body: { firstName: "File", lastName: "Holder" },
      });
      const bytes = contactsCsv(count, seed);
      const created = await call("files.create", {
        params: { orgId },
        body: {
          name: "contacts.csv",
          contentType: "text/csv",
          size: bytes.length,
          records: [{ type: "contact", id: holder.id }],
        },
      });
      const file = created.file as { id: string };
      const uploaded = await uploadTo(created.upload as { url: string; fields: Record<string, string> }, bytes);
      if (uploaded.status !== 204) throw new Error(`upload answered ${uploaded.status}`);
      for (let tries = 0; ; tries++) {
        const current = await call("files.get", { params: { orgId, fileId: file.id } });
        if (current.status === "available") break;
        if (tries > 200) throw new Error(`the uploaded CSV stayed ${current.status}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const started = await call("imports.create", {
        params: { orgId },
        body: { recordType: "contact", fileId: file.id, onDuplicate: "skip" },
      });
      const request = { orgId, importId: started.id as string };
      const tally = countingDynamoDbRequests();
      const run = await measured(async () => {
        let chunks = 0;
        for (
          let outcome = await runImportChunk(request);
          outcome === "continued";
          outcome = await runImportChunk(request)
        ) {
          chunks++;
        }
        return chunks + 1;
      });
      const requests = tally.stop();
      const done = await call("imports.get", { params: request });
      const counts = done.counts as { rows: number; created: number; skipped: number; failed: number };
      if (done.status !== "completed" || counts.rows !== count) {
        throw new Error(`the import ended ${done.status} with ${JSON.stringify(counts)}`);
      }
      return { orgId, counts, bytes: bytes.length, chunks: run.result, requests, ...run };
    };

    console.log(`\nImport: ${rows.toLocaleString("en")} contacts from a CSV, through the real runner ...`);
    const small = await importContacts(Math.max(1, Math.floor(rows / 10)), "small");
    const large = await importContacts(rows, "large");
    for (const { counts, seconds, bytes, chunks, startHeap, peakHeap, peakRss } of [small, large]) {
      console.log(
        `import ${counts.rows.toLocaleString("en").padStart(7)} rows (${mib(bytes)}, ${chunks} chunks): ` +
          `${(counts.rows / seconds).toFixed(0)} rows/s, ${seconds.toFixed(0)} s ` +
          `(${counts.created} created, ${counts.skipped} skipped, ${counts.failed} failed); ` +
          `live heap ${mib(startHeap)} → peak ${mib(peakHeap)}, peak rss ${mib(peakRss)}`,
      );
    }
    const perRow = (n: number) => (n / large.counts.rows).toFixed(2);
    const itemsPerRow = Math.max(1, Math.round(large.requests.transactionItems / large.counts.rows));
    const ceiling = await transactionCeiling(options.table, itemsPerRow, Math.min(large.counts.rows, 3000));
    console.log(
      `store ceiling: DynamoDB Local commits ${ceiling.toFixed(0)} transactions/s of ${itemsPerRow} items each ` +
        `(a row's writes), ${rowConcurrency} at a time with nothing else; the import reaches ` +
        `${((100 * large.counts.rows) / large.seconds / ceiling).toFixed(0)} % of it`,
    );
    console.log(
      `DynamoDB per row: ${[...large.requests.calls].map(([name, n]) => `${name} ${perRow(n)}`).join(", ")}; ` +
        `items written in transactions ${perRow(large.requests.transactionItems)}`,
    );
    console.log(
      `peak live heap growth, ${large.counts.rows.toLocaleString("en")} rows vs ${small.counts.rows.toLocaleString("en")}: ` +
        `${mib(large.peakHeap - large.startHeap)} vs ${mib(small.peakHeap - small.startHeap)} (flat when alike)`,
    );

    for (const format of ["csv", "ndjson"] as const) {
      const started = await call("exports.create", {
        params: { orgId: large.orgId },
        body: { recordType: "contact", format, filters: {} },
      });
      const run = await measured(() => runExport({ orgId: large.orgId, exportId: started.id as string }));
      const { rows: exported = 0, bytes = 0 } = run.result;
      console.log(
        `export ${format.padEnd(6)} ${exported.toLocaleString("en")} contacts (${mib(bytes)}): ` +
          `${(exported / run.seconds).toFixed(0)} rows/s, ${run.seconds.toFixed(0)} s; ` +
          `live heap ${mib(run.startHeap)} → peak ${mib(run.peakHeap)}, peak rss ${mib(run.peakRss)}`,
      );
    }
  } finally {
    await stopNotifications();
  }
}
