import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "../gateway";

export type QueuedMessage = { messageId: string; body: string; sentAt: string };

export type LocalQueueOptions = {
  /** The queue's name, the last part of its URL (`Resource.<Name>.url`). */
  queueName: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
};

export type LocalQueue = {
  /** The queue URL the real `@aws-sdk/client-sqs` sends to (it uses the queue URL as its endpoint). */
  url: string;
  /** Every message sent and not deleted, oldest first. */
  messages: () => QueuedMessage[];
  close: () => Promise<void>;
};

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

/**
 * An SQS stand-in for one standard queue, speaking the JSON protocol the SDK uses (`AmazonSQS.SendMessage`,
 * `ReceiveMessage`, `DeleteMessage`, `GetQueueAttributes`), with the MD5 digests the SDK checks. Locally it plays the
 * failure destination of the table-stream subscription. Receiving does not hide a message (no visibility timeout):
 * it is for looking at what failed, not for competing consumers.
 */
export async function startLocalQueue(options: LocalQueueOptions): Promise<LocalQueue> {
  const stored: (QueuedMessage & { receiptHandle: string })[] = [];
  const server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
      response.end(JSON.stringify(body));
    };
    const operation = String(request.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
    let input: Record<string, unknown>;
    try {
      input = JSON.parse((await readBody(request, 1024 * 1024))?.toString("utf8") || "{}");
    } catch {
      return reply(400, { __type: "com.amazonaws.sqs#InvalidRequest", message: "The body is not valid JSON." });
    }
    switch (operation) {
      case "SendMessage": {
        const body = String(input.MessageBody ?? "");
        if (body.length === 0 || Buffer.byteLength(body) > 256 * 1024) {
          return reply(400, {
            __type: "com.amazonaws.sqs#InvalidParameterValue",
            message: "MessageBody: 1 B to 256 KiB.",
          });
        }
        const message = {
          messageId: randomUUID(),
          body,
          sentAt: new Date().toISOString(),
          receiptHandle: randomUUID(),
        };
        stored.push(message);
        return reply(200, { MessageId: message.messageId, MD5OfMessageBody: md5(body) });
      }
      case "ReceiveMessage": {
        const count = Math.min(Math.max(Number(input.MaxNumberOfMessages ?? 1), 1), 10);
        return reply(200, {
          Messages: stored.slice(0, count).map((message) => ({
            MessageId: message.messageId,
            ReceiptHandle: message.receiptHandle,
            Body: message.body,
            MD5OfBody: md5(message.body),
          })),
        });
      }
      case "DeleteMessage": {
        const index = stored.findIndex((message) => message.receiptHandle === input.ReceiptHandle);
        if (index >= 0) stored.splice(index, 1);
        return reply(200, {});
      }
      case "GetQueueAttributes":
        return reply(200, { Attributes: { ApproximateNumberOfMessages: String(stored.length) } });
      default:
        return reply(400, { __type: "com.amazonaws.sqs#UnsupportedOperation", message: `Unsupported: ${operation}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}/000000000000/${options.queueName}`,
    messages: () => stored.map(({ messageId, body, sentAt }) => ({ messageId, body, sentAt })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
