import { setTimeout as sleep } from "node:timers/promises";
import {
  type BooksControls,
  type CustomerInput,
  createBooks,
  type EntityChange,
  FaultError,
  fault,
  type InvoiceInput,
  type InvoiceLineInput,
  type Meta,
  notFound,
  type Realm,
  requiredMissing,
  staleObject,
  unsupportedProperty,
} from "./books";
import type { RealmSeed } from "./demo-books";
import {
  accountingScope,
  type FakeIntuitAuthority,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
  intuitTid,
} from "./fake-intuit-types";
import { qboTime, toCents, toIntuitXml } from "./qbo-format";
import { createReads } from "./reads";

export type QboFault = {
  code: string;
  message: string;
  detail?: string;
  element?: string;
  type?: "ValidationFault" | "SystemFault" | "AuthenticationFault" | "AuthorizationFault" | "SERVICE" | string;
  status?: number;
};

/**
 * The kinds of Accounting API call, for fault targeting and the request log. "write" is a POST of an entity: a create,
 * or an update when the body has an Id (QBO uses POST for both).
 */
export type ApiOperation =
  | "read"
  | "write"
  | "void"
  | "delete"
  | "send"
  | "query"
  | "cdc"
  | "companyinfo"
  | "unsupported";

export type ApiRequestRecord = {
  method: string;
  path: string;
  realmId: string;
  operation: ApiOperation;
  /** The minorversion query parameter as sent (undefined when missing). */
  requestedMinorVersion: string | undefined;
  /** The minor version the fake served: the requested one, at least 75 (Intuit's minimum since August 2025). */
  minorVersion: number;
  requestId: string | undefined;
  status: number;
  /** The Fault code when the answer carried one (in a 200 too). */
  faultCode: string | undefined;
  at: number;
};

/**
 * Intuit's throttles: 500 requests a minute and 10 a second per company and app, 10 concurrent. Windows are
 * measured in real time, not on the fake's clock, so a frozen test clock does not throttle every later request.
 */
export type ThrottleOptions = {
  requestsPerMinute?: number;
  requestsPerSecond?: number;
  maxConcurrent?: number;
  /** Adds `Retry-After` to 429s; default none: Intuit documents no header, only "wait 60 seconds". */
  retryAfterSeconds?: number;
  /** Every API call takes at least this long (makes concurrency limits reachable). */
  latencyMs?: number;
};

/** The books' controls and the API's: faults, throttling, latency and the request log. */
export type FakeBooksControls = BooksControls & {
  /** The next `count` (default 1) API calls, of one operation if given, answer this fault. */
  faultNext(fault: QboFault, options?: { count?: number; on?: ApiOperation }): void;
  /** The next `count` (default 1) API calls answer 429 ThrottleExceeded. */
  throttleNext(count?: number): void;
  /** Every API call takes at least this long from now on. */
  setLatency(ms: number): void;
  /**
   * Forgets the throttle windows and any fault or throttle still queued, so a test starts with a company's full
   * allowance and is not answered by what an earlier test left (calls in flight still count as concurrent).
   */
  resetLimits(): void;
  requests(): ApiRequestRecord[];
};

export type FakeAccountingOptions = {
  authority: FakeIntuitAuthority;
  seed: RealmSeed[];
  throttle?: ThrottleOptions;
  /** Validation faults come back with HTTP 200 (the Fault only in the body); default false. */
  faultsInHttp200?: boolean;
  onChange?: (change: EntityChange) => void;
};

export type FakeAccounting = { route: FakeRoute; controls: FakeBooksControls };

/** A handler's answer before it is written as JSON or XML. `jsonBody` overrides the JSON (Intuit's 401/403 shape). */
type Answer = {
  status: number;
  body: Record<string, unknown>;
  jsonBody?: unknown;
  headers?: Record<string, string>;
  xmlOnly?: boolean;
};

const minimumMinorVersion = 75;

/** The Accounting API of QuickBooks Online under `/v3/company/{realmId}/…`, and the controls over its books. */
export function createFakeAccounting(options: FakeAccountingOptions): FakeAccounting {
  const { authority } = options;
  const now = () => authority.now();
  const books = createBooks({ seed: options.seed, now, onChange: options.onChange });
  const { realms } = books;
  const {
    renderCompanyInfo,
    renderCustomer,
    renderInvoice,
    saveCustomer,
    customerInputOf,
    saveInvoice,
    invoiceInputOf,
    findInvoice,
    voidInvoice,
    deleteInvoice,
    sendInvoice,
  } = books;
  const { tables, runQuery, runCdc } = createReads(books, now);
  const requestLog: ApiRequestRecord[] = [];
  const injectedFaults: { fault: QboFault; on: ApiOperation | undefined }[] = [];
  /** First answers by realm and `requestid` (Intuit's idempotency key for writes). */
  const answersByRequestId = new Map<string, Answer>();
  let throttledNext = 0;
  let latencyMs = options.throttle?.latencyMs ?? 0;
  const limits = {
    perMinute: options.throttle?.requestsPerMinute ?? 500,
    perSecond: options.throttle?.requestsPerSecond ?? 10,
    concurrent: options.throttle?.maxConcurrent ?? 10,
  };
  const windows = new Map<string, { recent: number[]; inFlight: number }>();

  // --- the JSON bodies the API accepts ---------------------------------------------------------------------

  // biome-ignore format: a word list
  const customerProperties = new Set([
    "Id", "SyncToken", "sparse", "domain", "MetaData", "DisplayName", "CompanyName", "GivenName", "MiddleName",
    "FamilyName", "Title", "Suffix", "FullyQualifiedName", "PrintOnCheckName", "PrimaryEmailAddr", "WebAddr",
    "PrimaryPhone", "Mobile", "Fax", "BillAddr", "ShipAddr", "Notes", "Active", "CurrencyRef", "Taxable",
    "PreferredDeliveryMethod", "Balance", "BalanceWithJobs", "Job", "BillWithParent", "ParentRef", "OpenBalanceDate",
  ]);
  // biome-ignore format: a word list
  const invoiceProperties = new Set([
    "Id", "SyncToken", "sparse", "domain", "MetaData", "DocNumber", "TxnDate", "DueDate", "CustomerRef", "Line",
    "CurrencyRef", "ExchangeRate", "EmailStatus", "PrintStatus", "BillEmail", "PrivateNote", "CustomerMemo",
    "TotalAmt", "Balance", "LinkedTxn", "SalesTermRef", "ApplyTaxAfterDiscount", "TxnTaxDetail", "CustomField",
    "DeliveryInfo", "BillAddr", "ShipAddr", "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment", "HomeBalance",
    "HomeTotalAmt", "TxnStatus",
  ]);

  // biome-ignore lint/suspicious/noExplicitAny: request bodies are the client's arbitrary JSON
  type Json = Record<string, any>;

  const checkProperties = (body: Json, allowed: Set<string>, entity: string) => {
    for (const key of Object.keys(body)) {
      if (!allowed.has(key)) {
        throw unsupportedProperty(
          `Unrecognized field "${key}" (class com.intuit.schema.finance.v3.${entity}), not marked as ignorable`,
        );
      }
    }
  };
  const text = (value: unknown, name: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw unsupportedProperty(`${name}: expected a string`);
    return value;
  };

  const customerInputFromJson = (body: Json): CustomerInput => ({
    displayName:
      text(body.DisplayName, "DisplayName") ??
      [body.Title, body.GivenName, body.MiddleName, body.FamilyName, body.Suffix]
        .filter((part) => typeof part === "string" && part.trim())
        .join(" "),
    companyName: text(body.CompanyName, "CompanyName"),
    givenName: text(body.GivenName, "GivenName"),
    familyName: text(body.FamilyName, "FamilyName"),
    email: text(body.PrimaryEmailAddr?.Address, "PrimaryEmailAddr.Address"),
    website: text(body.WebAddr?.URI, "WebAddr.URI"),
    phone: text(body.PrimaryPhone?.FreeFormNumber, "PrimaryPhone.FreeFormNumber"),
    city: text(body.BillAddr?.City, "BillAddr.City"),
    country: text(body.BillAddr?.Country, "BillAddr.Country"),
    currency: text(body.CurrencyRef?.value, "CurrencyRef.value"),
    active: body.Active === undefined ? undefined : body.Active === true || body.Active === "true",
    notes: text(body.Notes, "Notes"),
  });

  const amount = (value: unknown, name: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const number = typeof value === "string" ? Number(value) : value;
    if (typeof number !== "number" || !Number.isFinite(number)) throw unsupportedProperty(`${name}: not a number`);
    return number;
  };

  const invoiceInputFromJson = (body: Json): InvoiceInput => {
    if (body.Line !== undefined && !Array.isArray(body.Line)) throw unsupportedProperty("Line: expected an array");
    const lines: InvoiceLineInput[] = [];
    for (const line of (body.Line ?? []) as Json[]) {
      if (line.DetailType === "SubTotalLineDetail" || line.DetailType === "DescriptionOnly") continue;
      if (line.DetailType !== "SalesItemLineDetail") {
        if (line.DetailType === undefined) throw requiredMissing("Line.DetailType");
        throw unsupportedProperty(`Line.DetailType: ${String(line.DetailType)} is not supported by this fake`);
      }
      const detail = (line.SalesItemLineDetail ?? {}) as Json;
      const lineAmount = amount(line.Amount, "Line.Amount");
      if (lineAmount === undefined) throw requiredMissing("Line.Amount");
      const unitPrice = amount(detail.UnitPrice, "SalesItemLineDetail.UnitPrice");
      lines.push({
        itemId: text(detail.ItemRef?.value, "ItemRef.value"),
        description: text(line.Description, "Line.Description"),
        quantity: amount(detail.Qty, "SalesItemLineDetail.Qty"),
        ...(unitPrice === undefined ? {} : { unitPriceCents: unitPrice * 100 }),
        amountCents: toCents(lineAmount),
      });
    }
    const emailStatus = text(body.EmailStatus, "EmailStatus");
    if (emailStatus !== undefined && !["NotSet", "NeedToSend", "EmailSent"].includes(emailStatus)) {
      throw unsupportedProperty(`EmailStatus: ${emailStatus}`);
    }
    return {
      customerId: text(body.CustomerRef?.value, "CustomerRef.value") ?? "",
      lines,
      txnDate: text(body.TxnDate, "TxnDate"),
      dueDate: text(body.DueDate, "DueDate"),
      docNumber: text(body.DocNumber, "DocNumber"),
      currency: text(body.CurrencyRef?.value, "CurrencyRef.value"),
      ...(emailStatus === "EmailSent" ? { status: "sent" as const } : {}),
      billEmail: text(body.BillEmail?.Address, "BillEmail.Address"),
      privateNote: text(body.PrivateNote, "PrivateNote"),
      customerMemo: text(body.CustomerMemo?.value, "CustomerMemo.value"),
    };
  };

  /** The record an update names, after QBO's optimistic-concurrency check on SyncToken. */
  const forUpdate = <T extends Meta>(records: Map<string, T>, body: Json): T => {
    const existing = records.get(String(body.Id));
    if (!existing) throw notFound();
    if (body.SyncToken === undefined || body.SyncToken === null) throw requiredMissing("SyncToken");
    if (String(body.SyncToken) !== String(existing.syncToken)) throw staleObject();
    return existing;
  };

  /** Sparse updates change only the properties sent; full updates replace the writable ones (absent: cleared). */
  const mergeSparse = <T extends object>(
    current: T,
    sent: T,
    body: Json,
    keysByProperty: Record<string, (keyof T)[]>,
  ) => {
    if (body.sparse !== true && body.sparse !== "true") return sent;
    const merged = { ...current };
    for (const [property, keys] of Object.entries(keysByProperty)) {
      if (property in body) for (const key of keys) merged[key] = sent[key];
    }
    return merged;
  };

  // --- the HTTP side ----------------------------------------------------------------------------------------

  const timeOf = (realm: Realm | undefined) => qboTime(now(), realm?.timeZone ?? "America/Los_Angeles", true);

  const faultAnswer = (realm: Realm | undefined, error: FaultError | QboFault): Answer => {
    const details: QboFault = error instanceof FaultError ? error.fault : error;
    const type = details.type ?? "ValidationFault";
    const statusCode =
      error instanceof FaultError
        ? options.faultsInHttp200 && type === "ValidationFault"
          ? 200
          : 400
        : (details.status ?? 400);
    return {
      status: statusCode,
      body: {
        Fault: {
          Error: [
            {
              Message: details.message,
              Detail: details.detail ?? details.message,
              code: details.code,
              element: details.element ?? "",
            },
          ],
          type,
        },
        time: timeOf(realm),
      },
    };
  };

  /** Intuit's gateway answers 401 and 403 in its own lower-case envelope, not a `Fault`. */
  const gatewayFault = (
    status: 401 | 403,
    message: string,
    code: string,
    type: string,
    detail: string | null,
  ): Answer => ({
    status,
    body: { Fault: { Error: [{ Message: message, Detail: detail ?? message, code }], type }, time: timeOf(undefined) },
    jsonBody: {
      warnings: null,
      intuitObject: null,
      fault: { error: [{ message, detail, code, element: null }], type },
      report: null,
      queryResponse: null,
      batchItemResponse: [],
      attachableResponse: [],
      syncErrorResponse: null,
      requestId: null,
      time: now(),
      status: null,
      cdcresponse: [],
    },
    ...(status === 401 ? { headers: { "www-authenticate": 'Bearer realm="Intuit", error="invalid_token"' } } : {}),
  });

  const throttled = (): Answer => ({
    status: 429,
    body: {
      Fault: {
        Error: [
          {
            Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
            Detail: "The request limit was reached.  Try again later",
            code: "3001",
          },
        ],
        type: "SERVICE",
      },
      time: timeOf(undefined),
    },
    // Intuit has been seen answering throttling in XML whatever the Accept header asked for.
    xmlOnly: true,
    ...(options.throttle?.retryAfterSeconds === undefined
      ? {}
      : { headers: { "retry-after": String(options.throttle.retryAfterSeconds) } }),
  });

  const wantsJson = (request: FakeRequest) =>
    String(request.headers.accept ?? "")
      .toLowerCase()
      .includes("json");

  const write = (request: FakeRequest, answer: Answer): FakeResponse => {
    const headers = {
      intuit_tid: intuitTid(),
      "cache-control": "max-age=0, no-cache, no-store, must-revalidate, private",
      ...answer.headers,
    };
    if (!answer.xmlOnly && wantsJson(request)) {
      return {
        status: answer.status,
        json: answer.jsonBody ?? answer.body,
        headers: { ...headers, "content-type": "application/json;charset=UTF-8" },
      };
    }
    return {
      status: answer.status,
      text: toIntuitXml(answer.body),
      headers: { ...headers, "content-type": "application/xml;charset=UTF-8" },
    };
  };

  const operationOf = (method: string, segments: string[], query: URLSearchParams): ApiOperation => {
    const [entity, id, action] = segments;
    if (entity === "query") return "query";
    if (entity === "cdc" && method === "GET") return "cdc";
    if (entity === "companyinfo" && method === "GET") return "companyinfo";
    if (!entity || !tables[entity]) return "unsupported";
    if (method === "GET" && id && !action) return "read";
    if (method === "POST" && !id) {
      const operation = query.get("operation");
      if (operation === "void") return "void";
      if (operation === "delete") return "delete";
      return "write";
    }
    if (method === "POST" && id && action === "send" && entity === "invoice") return "send";
    return "unsupported";
  };

  const parseBody = (request: FakeRequest): Json => {
    try {
      const parsed = JSON.parse(request.body.toString("utf8") || "null");
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      return parsed as Json;
    } catch (error) {
      throw unsupportedProperty(`Unexpected character (${error instanceof Error ? error.message : String(error)})`);
    }
  };

  const handle = (realm: Realm, request: FakeRequest, segments: string[], operation: ApiOperation): Answer => {
    const [entity = "", id] = segments;
    const time = timeOf(realm);
    const ok = (body: Record<string, unknown>): Answer => ({ status: 200, body: { ...body, time } });
    const table = tables[entity];
    switch (operation) {
      case "read": {
        const record = table?.records(realm).find((candidate) => candidate.id === id);
        if (!table || !record) throw notFound();
        return ok({ [table.name]: table.render(realm, record as never) });
      }
      case "companyinfo":
        if (id !== realm.realmId) throw notFound();
        return ok({ CompanyInfo: renderCompanyInfo(realm) });
      case "query": {
        const queryText =
          request.method === "POST" ? request.body.toString("utf8") : (request.url.searchParams.get("query") ?? "");
        if (!queryText.trim()) throw requiredMissing("query");
        return ok(runQuery(realm, queryText));
      }
      case "cdc":
        return ok(runCdc(realm, request.url.searchParams));
      case "send": {
        const invoice = findInvoice(realm, id ?? "");
        return ok({
          Invoice: renderInvoice(
            realm,
            sendInvoice(realm, invoice, request.url.searchParams.get("sendTo") ?? undefined),
          ),
        });
      }
      default:
        break;
    }
    if (!String(request.headers["content-type"] ?? "").includes("json")) {
      throw unsupportedProperty("Content-Type: this fake takes JSON bodies (application/json) only");
    }
    const body = parseBody(request);
    if (entity === "customer") {
      checkProperties(body, customerProperties, "Customer");
      if (operation !== "write") {
        throw fault("500", "Unsupported Operation", `Operation ${operation} is not supported for Customer.`);
      }
      if (body.Id === undefined) {
        return ok({ Customer: renderCustomer(realm, saveCustomer(realm, customerInputFromJson(body))) });
      }
      const existing = forUpdate(realm.customers, body);
      const input = mergeSparse(customerInputOf(existing), customerInputFromJson(body), body, {
        DisplayName: ["displayName"],
        CompanyName: ["companyName"],
        GivenName: ["givenName"],
        FamilyName: ["familyName"],
        PrimaryEmailAddr: ["email"],
        WebAddr: ["website"],
        PrimaryPhone: ["phone"],
        BillAddr: ["city", "country"],
        Active: ["active"],
        Notes: ["notes"],
      });
      return ok({ Customer: renderCustomer(realm, saveCustomer(realm, input, existing)) });
    }
    if (entity === "invoice") {
      checkProperties(body, invoiceProperties, "Invoice");
      if (operation === "void" || operation === "delete") {
        const existing = forUpdate(realm.invoices, body);
        if (operation === "void") return ok({ Invoice: renderInvoice(realm, voidInvoice(realm, existing)) });
        deleteInvoice(realm, existing);
        return ok({ Invoice: { domain: "QBO", status: "Deleted", Id: existing.id } });
      }
      if (body.Id === undefined) {
        return ok({ Invoice: renderInvoice(realm, saveInvoice(realm, invoiceInputFromJson(body))) });
      }
      const existing = forUpdate(realm.invoices, body);
      const input = mergeSparse(invoiceInputOf(existing), invoiceInputFromJson(body), body, {
        CustomerRef: ["customerId"],
        Line: ["lines"],
        TxnDate: ["txnDate"],
        DueDate: ["dueDate"],
        DocNumber: ["docNumber"],
        CurrencyRef: ["currency"],
        BillEmail: ["billEmail"],
        PrivateNote: ["privateNote"],
        CustomerMemo: ["customerMemo"],
      });
      return ok({ Invoice: renderInvoice(realm, saveInvoice(realm, input, existing)) });
    }
    throw fault("500", "Unsupported Operation", `Operation ${operation} on ${entity} is not supported by this fake.`);
  };

  const limiterOf = (key: string) => {
    let limiter = windows.get(key);
    if (!limiter) {
      limiter = { recent: [], inFlight: 0 };
      windows.set(key, limiter);
    }
    return limiter;
  };

  const route: FakeRoute = async (request) => {
    const match = /^\/v3\/company\/([^/]+)\/(.+)$/.exec(request.url.pathname);
    if (!match) return undefined;
    let realmId: string;
    let segments: string[];
    try {
      realmId = decodeURIComponent(match[1] as string);
      const [entity = "", id, action] = (match[2] as string).split("/").map((segment) => decodeURIComponent(segment));
      // Entity names and actions are case-insensitive in QBO's paths; ids keep their case.
      segments = [entity.toLowerCase(), id, action?.toLowerCase()].filter((part) => part !== undefined);
    } catch {
      return { status: 400, text: "Bad Request" };
    }
    const query = request.url.searchParams;
    const operation = operationOf(request.method, segments, query);
    const requestedMinorVersion = query.get("minorversion") ?? undefined;
    const minorVersion = Math.max(minimumMinorVersion, Number.parseInt(requestedMinorVersion ?? "", 10) || 0);
    const requestId = query.get("requestid") ?? undefined;
    const realm = realms.get(realmId);

    const finish = (answer: Answer): FakeResponse => {
      const body = answer.body as { Fault?: { Error?: { code?: string }[] } };
      requestLog.push({
        method: request.method,
        path: request.url.pathname,
        realmId,
        operation,
        requestedMinorVersion,
        minorVersion,
        requestId,
        status: answer.status,
        faultCode: body.Fault?.Error?.[0]?.code,
        at: now(),
      });
      const response = write(request, answer);
      response.headers = { ...response.headers, "x-fake-intuit-minorversion": String(minorVersion) };
      return response;
    };

    const grant = authority.grantOf(request.headers.authorization);
    if (!grant) {
      return finish(
        gatewayFault(
          401,
          "message=AuthenticationFailed; errorCode=003200; statusCode=401",
          "3200",
          "AUTHENTICATION",
          null,
        ),
      );
    }
    if (!realm || grant.realmId !== realmId || !grant.scopes.includes(accountingScope)) {
      return finish(
        gatewayFault(
          403,
          "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
          "3100",
          "SERVICE",
          null,
        ),
      );
    }

    const limiter = limiterOf(`${realmId} ${grant.clientId}`);
    const current = performance.now();
    limiter.recent = limiter.recent.filter((at) => at > current - 60_000);
    const lastSecond = limiter.recent.filter((at) => at > current - 1000).length;
    if (throttledNext > 0) {
      throttledNext -= 1;
      return finish(throttled());
    }
    if (
      limiter.recent.length >= limits.perMinute ||
      lastSecond >= limits.perSecond ||
      limiter.inFlight >= limits.concurrent
    ) {
      return finish(throttled());
    }
    limiter.recent.push(current);
    limiter.inFlight += 1;
    try {
      if (latencyMs > 0) await sleep(latencyMs);
      const injectedIndex = injectedFaults.findIndex((entry) => entry.on === undefined || entry.on === operation);
      if (injectedIndex >= 0) {
        const [injected] = injectedFaults.splice(injectedIndex, 1);
        return finish(faultAnswer(realm, (injected as { fault: QboFault }).fault));
      }
      const idempotent = request.method === "POST" && requestId !== undefined && operation !== "query";
      const key = `${realmId}\n${requestId}`;
      if (idempotent) {
        const first = answersByRequestId.get(key);
        if (first) return finish(first);
      }
      let answer: Answer;
      try {
        if (operation === "unsupported") {
          throw fault(
            "500",
            "Unsupported Operation",
            `Operation Could not find resource for relative : ${request.url.pathname} of full path: ${request.url.href} is not supported.`,
          );
        }
        answer = handle(realm, request, segments, operation);
      } catch (error) {
        if (!(error instanceof FaultError)) throw error;
        answer = faultAnswer(realm, error);
      }
      // The same requestid gets the same answer, success or validation fault, and never a second write.
      if (idempotent) answersByRequestId.set(key, answer);
      return finish(answer);
    } finally {
      limiter.inFlight -= 1;
    }
  };

  const controls: FakeBooksControls = {
    ...books.controls,
    faultNext: (injected, { count = 1, on } = {}) => {
      for (let index = 0; index < count; index += 1) injectedFaults.push({ fault: injected, on });
    },
    throttleNext: (count = 1) => {
      throttledNext += count;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    resetLimits: () => {
      for (const limiter of windows.values()) limiter.recent = [];
      throttledNext = 0;
      injectedFaults.length = 0;
    },
    requests: () => requestLog.map((entry) => ({ ...entry })),
  };

  return { route, controls };
}
