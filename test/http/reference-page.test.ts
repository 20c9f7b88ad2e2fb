import { readFile } from "node:fs/promises";
import { openApiDocument } from "@crm/core/api";
import { referencePageScriptFile } from "@crm/core/reference-page";
import { startHttpGateway } from "@crm/local/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The reference page's parts over real HTTP; test/browser/ renders it in Chromium. */
describe("the API reference page", () => {
  let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
  beforeAll(async () => {
    gateway = await startHttpGateway({ port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("is HTML under a CSP that runs scripts of this origin only, configured to render this API's document and try it here", async () => {
    const response = await fetch(`${gateway.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const policy = Object.fromEntries(
      (response.headers.get("content-security-policy") ?? "").split("; ").map((directive) => {
        const [name, ...sources] = directive.split(" ");
        return [name, sources.join(" ")];
      }),
    );
    expect(policy).toMatchObject({
      "default-src": "'none'",
      "script-src": "'self'",
      "connect-src": "'self'",
      "base-uri": "'none'",
      "form-action": "'none'",
      "frame-ancestors": "'none'",
    });
    expect(response.headers.get("x-frame-options")).toBe("DENY");

    const html = await response.text();
    // The one inline element is JSON, which no browser executes: every script comes from /docs/scalar.js.
    expect([...html.matchAll(/<script([^>]*)>/g)].map(([, attributes]) => attributes?.trim().split(/\s+/)[0])).toEqual([
      'id="api-reference"',
      'src="/docs/scalar.js"',
    ]);
    expect(html).toContain('type="application/json"');
    const configuration = JSON.parse(
      (/data-configuration="([^"]*)"/.exec(html)?.[1] ?? "").replaceAll("&quot;", '"').replaceAll("&#39;", "'"),
    );
    expect(configuration).toMatchObject({
      url: "/openapi.json",
      servers: [{ url: gateway.url }],
      withDefaultFonts: false,
      telemetry: false,
    });
  });

  it("serves Scalar's script gzipped to a browser, as it is to a client that takes no gzip, and revalidates it by ETag", async () => {
    const file = await readFile(referencePageScriptFile, "utf8");
    const gzipped = await fetch(`${gateway.url}/docs/scalar.js`, { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(Number(gzipped.headers.get("content-length"))).toBeLessThan(file.length / 2);
    expect(await gzipped.text()).toBe(file); // fetch inflates it

    const plain = await fetch(`${gateway.url}/docs/scalar.js`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(file);

    const etag = gzipped.headers.get("etag") as string;
    expect(plain.headers.get("etag")).toBe(etag);
    const revalidated = await fetch(`${gateway.url}/docs/scalar.js`, { headers: { "if-none-match": etag } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
  });

  it("is in the OpenAPI document as HTML and a script, public", () => {
    const { paths } = openApiDocument();
    expect(Object.keys(paths?.["/docs"]?.get?.responses?.["200"]?.content ?? {})).toEqual(["text/html"]);
    expect(Object.keys(paths?.["/docs/scalar.js"]?.get?.responses?.["200"]?.content ?? {})).toEqual([
      "text/javascript",
    ]);
    expect(paths?.["/docs"]?.get?.security).toEqual([]);
  });
});
