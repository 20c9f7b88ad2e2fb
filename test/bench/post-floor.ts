/**
 * What one real-time post costs in CPU, before any WebSocket: the management API's SDK client (configured as the
 * fan-out configures it) against a bare node:http client, both posting the same message to a local server that
 * answers 200 at once, 64 in flight. Times 1,000 connections, the SDK's figure is the CPU a fan-out needs in one
 * process whatever the project's code does; the bench prints it beside the measured delivery.
 */
import { Agent, createServer, request } from "node:http";
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";

const inFlight = 64;

async function cpuMicrosPerPost(post: (index: number) => Promise<unknown>, count: number): Promise<number> {
  await Promise.all(Array.from({ length: inFlight }, (_, index) => post(index)));
  let next = 0;
  const started = process.cpuUsage();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await post(next++);
    }),
  );
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}

export async function measurePostFloor(message: Uint8Array, count = 4_000) {
  const server = createServer((incoming, response) => {
    incoming.resume();
    incoming.on("end", () => response.writeHead(200, { "content-length": 0 }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const sdk = new ApiGatewayManagementApiClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    cacheMiddleware: true,
    requestHandler: { httpAgent: agent, httpsAgent: agent },
  });
  const raw = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const outgoing = request(
        {
          host: "127.0.0.1",
          port,
          agent,
          method: "POST",
          path: `/@connections/c${index}`,
          headers: { "content-length": message.byteLength },
        },
        (response) => response.resume().on("end", resolve),
      );
      outgoing.on("error", reject).end(message);
    });
  try {
    const sdkMicros = await cpuMicrosPerPost(
      (index) => sdk.send(new PostToConnectionCommand({ ConnectionId: `c${index}`, Data: message })),
      count,
    );
    const rawMicros = await cpuMicrosPerPost(raw, count);
    return { sdkMicros, rawMicros };
  } finally {
    sdk.destroy();
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
