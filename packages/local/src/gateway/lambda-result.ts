import type { APIGatewayProxyResultV2 } from "aws-lambda";

export type HttpResponse = { status: number; headers: [string, string][]; body: Buffer };

export const internalServerError: HttpResponse = {
  status: 500,
  headers: [["content-type", "application/json"]],
  body: Buffer.from('{"message":"Internal Server Error"}'),
};

/**
 * Maps a handler's result back to HTTP the way API Gateway does for payload 2.0: a structured result keeps its
 * status, headers and cookies (one Set-Cookie each) and base64 bodies are decoded; anything without a statusCode is
 * taken as a 200 JSON body. A result API Gateway could not use becomes its 500.
 */
export function httpResponseOf(result: APIGatewayProxyResultV2 | undefined): HttpResponse {
  if (result === undefined || result === null) return internalServerError;
  if (typeof result === "string" || typeof result !== "object" || !("statusCode" in result)) {
    return { status: 200, headers: [["content-type", "application/json"]], body: Buffer.from(JSON.stringify(result)) };
  }
  const status = Number(result.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return internalServerError;
  const headers: [string, string][] = Object.entries(result.headers ?? {}).map(([name, value]) => [
    name.toLowerCase(),
    String(value),
  ]);
  for (const cookie of result.cookies ?? []) headers.push(["set-cookie", cookie]);
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
  return { status, headers, body };
}
