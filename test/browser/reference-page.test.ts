import { existsSync, mkdirSync } from "node:fs";
import { openApiDocument } from "@crm/core/api";
import { startHttpGateway } from "@crm/local/gateway";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

/** Debian's `chromium` package (`.ci/run` installs it); CHROMIUM_PATH points elsewhere. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const screenshots = ".data/screenshots";

/** The reference page at /docs of the local gateway, in headless Chromium: what a developer sees. */
describe("the API reference page in a browser", () => {
  let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
  let browser: Browser;
  let org: TestOrganisation;

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`No Chromium at ${chromiumPath}: install Debian's chromium package, or set CHROMIUM_PATH.`);
    }
    mkdirSync(screenshots, { recursive: true });
    org = await anOrganisation();
    gateway = await startHttpGateway({ port: 0 });
    // No sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  /** A new page on /docs, with what it requested from where and every console message it printed. */
  async function openReference(hash = "") {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requested: string[] = [];
    const consoleMessages: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("console", (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => consoleMessages.push(`error: ${error.message}`));
    await page.goto(`${gateway.url}/docs${hash}`);
    await page.waitForSelector("[data-sidebar-id]");
    return { page, requested, consoleMessages };
  }

  /** The operations in the sidebar, as `METHOD /path`. */
  const listedOperations = async (page: Page) =>
    (await page.$$eval("[data-sidebar-id]", (items) => items.map((item) => item.getAttribute("data-sidebar-id") ?? "")))
      .map((id) => /\/tag\/[^/]+\/(GET|POST|PUT|PATCH|DELETE)(\/.*)$/.exec(id))
      .flatMap((match) => (match ? [`${match[1]} ${match[2]}`] : []));

  it("lists every operation of the OpenAPI document, loading nothing from elsewhere and breaking none of its CSP", async () => {
    const { page, requested, consoleMessages } = await openReference();
    try {
      const documented = Object.entries(openApiDocument().paths ?? {}).flatMap(([path, item]) =>
        Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(documented.length).toBeGreaterThan(100);
      await expect.poll(async () => (await listedOperations(page)).length, { timeout: 15_000 }).toBe(documented.length);
      expect(new Set(await listedOperations(page))).toEqual(new Set(documented));

      expect(requested.filter((url) => !url.startsWith(`${gateway.url}/`) && !url.startsWith("data:"))).toEqual([]);
      expect(consoleMessages.filter((message) => /Content Security Policy|error:/i.test(message))).toEqual([]);
      await page.screenshot({ path: `${screenshots}/reference-page.png` });
    } finally {
      await page.close();
    }
  }, 60_000);

  it("tries an operation: with a pasted token, the request goes to this API and its answer is shown", async () => {
    const { page } = await openReference("#tag/organisations/GET/v1/orgs");
    try {
      await page.getByPlaceholder("Token").first().fill(org.admin.token);
      await page.locator("button.show-api-client-button", { hasText: /\(get \/v1\/orgs\)$/ }).click();
      const answered = page.waitForResponse((response) => response.url().startsWith(`${gateway.url}/v1/orgs?`));
      await page.getByRole("button", { name: /^Send/ }).first().click();
      const response = await answered;
      expect(response.status()).toBe(200);
      expect(response.request().headers().authorization).toBe(`Bearer ${org.admin.token}`);
      // The client shows the status and the body: the organisation the token's person belongs to.
      await expect.poll(() => page.getByText("200 OK").count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await expect.poll(() => page.getByText(`"${org.orgId}"`).count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await page.screenshot({ path: `${screenshots}/reference-try-it.png` });
    } finally {
      await page.close();
    }
  }, 60_000);
});
