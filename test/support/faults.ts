import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { databaseClient } from "@crm/core/platform";

/**
 * Makes the next `count` TransactWriteItems calls of this process fail the way DynamoDB fails a transaction that
 * collided with another one (DynamoDB Local never does), and counts them. Returns a function that removes it.
 */
export function injectTransactionConflicts(count: number) {
  const name = "injectTransactionConflicts";
  const injected = { remaining: count, raised: 0 };
  const client = databaseClient();
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TransactItems?: unknown[] };
      if (input.TransactItems && injected.remaining > 0) {
        injected.remaining--;
        injected.raised++;
        throw new TransactionCanceledException({
          message:
            "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: input.TransactItems.map((_, index) =>
            index === 0
              ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }
              : { Code: "None" },
          ),
        });
      }
      return next(args);
    },
    { step: "initialize", name, override: true },
  );
  return {
    get raised() {
      return injected.raised;
    },
    remove: () => client.middlewareStack.remove(name),
  };
}

/**
 * Makes every TransactWriteItems call of this process that mentions `marker` fail with an error no service
 * expects, as an outage would. Returns a function that removes it.
 */
export function injectTransactionFailures(marker: string) {
  const name = "injectTransactionFailures";
  const client = databaseClient();
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TransactItems?: unknown[] };
      if (input.TransactItems && JSON.stringify(input.TransactItems).includes(marker)) {
        throw new Error("Simulated failure: the table is on fire");
      }
      return next(args);
    },
    { step: "initialize", name, override: true },
  );
  return () => client.middlewareStack.remove(name);
}
