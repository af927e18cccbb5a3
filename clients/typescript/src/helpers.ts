/**
 * Hand-written helpers around the generated types: signing caller tokens, verifying event deliveries,
 * parsing events into typed payloads, and turning problem+json answers into errors.
 * Node's `crypto` only; no other dependency.
 */

import { createHmac, timingSafeEqual } from "node:crypto";

import { EVENT_TYPES, type EventPayloads, type EventType } from "./events.js";

/** The `aud` roomsvc expects unless its operator changed `ROOMSVC_CALLER_AUDIENCE`. */
export const DEFAULT_AUDIENCE = "roomsvc";
/** How far a delivery's `Roomsvc-Timestamp` may be from now (docs/events.md: 5 minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300;
export const SIGNATURE_HEADER = "Roomsvc-Signature";
export const TIMESTAMP_HEADER = "Roomsvc-Timestamp";
export const PROJECT_HEADER = "Roomsvc-Project";

// --- caller tokens ---------------------------------------------------------------------------------

export interface CallerTokenOptions {
  /** The caller credential's id (`cred_…`): the token's `kid` header and `iss` claim. */
  credentialId: string;
  /** The credential's secret, shown once when it was created. */
  secret: string;
  /** `aud`; roomsvc's `ROOMSVC_CALLER_AUDIENCE` (default `roomsvc`). */
  audience?: string;
  /** Scopes asked for; the token gets those the credential was granted. Empty: all of them. */
  scopes: readonly string[];
  /** Lifetime in seconds (default 300; roomsvc refuses more than `ROOMSVC_CALLER_MAX_TTL`, 3600). */
  ttl?: number;
  /** Who is acting (an operator's name, e.g. in the console): the `sub` claim. */
  operator?: string;
  /** Unix time in seconds to sign at (default: now). */
  now?: number;
}

/**
 * A caller JWT (HS256) for `Authorization: Bearer …`: header `kid`, claims `iss`, `aud`, `iat`, `exp`,
 * `scope` (and `sub` with `operator`). The same bytes as roomsvc's own `mint_caller_token`.
 */
export function callerToken(options: CallerTokenOptions): string {
  const now = Math.floor(options.now ?? Date.now() / 1000);
  const ttl = options.ttl ?? 300;
  if (!options.credentialId) throw new TypeError("callerToken: credentialId is required");
  if (!options.secret) throw new TypeError("callerToken: secret is required");
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError("callerToken: ttl must be a positive integer");
  // PyJWT's layout: header keys sorted, claims in this order, compact JSON with non-ASCII escaped.
  const header = { alg: "HS256", kid: options.credentialId, typ: "JWT" };
  const claims: Record<string, string | number> = {
    iss: options.credentialId,
    aud: options.audience ?? DEFAULT_AUDIENCE,
    iat: now,
    exp: now + ttl,
    scope: options.scopes.join(" "),
  };
  if (options.operator !== undefined) claims.sub = options.operator;
  const signingInput = `${base64url(asciiJson(header))}.${base64url(asciiJson(claims))}`;
  const signature = createHmac("sha256", options.secret).update(signingInput).digest();
  return `${signingInput}.${base64url(signature)}`;
}

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

// --- delivery signatures ---------------------------------------------------------------------------

/**
 * Request headers as web frameworks hand them over: a Fetch `Headers`, Node's `req.headers` (lower-case
 * names, values possibly arrays), or any object or list of pairs. Names are matched ignoring case.
 */
export type HeaderSource =
  | Headers
  | Record<string, string | readonly string[] | number | undefined>
  | Iterable<readonly [string, string]>;

export interface VerifyOptions {
  /** Refuse a `Roomsvc-Timestamp` further than this from `now`, in seconds (default 300). */
  toleranceSeconds?: number;
  /** Unix time in seconds to check against (default: now). */
  now?: number;
}

/** The value of a header, ignoring case; several values are joined with `,`. */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  const wanted = name.toLowerCase();
  if (typeof Headers !== "undefined" && headers instanceof Headers) return headers.get(wanted) ?? undefined;
  const found: string[] = [];
  const entries: Iterable<readonly [string, unknown]> =
    Symbol.iterator in headers
      ? (headers as Iterable<readonly [string, string]>)
      : Object.entries(headers as Record<string, unknown>);
  for (const [key, value] of entries) {
    if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
    found.push(...(Array.isArray(value) ? value.map(String) : [String(value)]));
  }
  return found.length ? found.join(",") : undefined;
}

/**
 * Whether a delivery is genuine and fresh: `Roomsvc-Signature` carries `v1=` + hex
 * HMAC-SHA256(secret, `"{Roomsvc-Timestamp}.{raw body}"`), and the timestamp is within the tolerance.
 *
 * Pass the **raw body bytes** as received (a body parsed and serialised again differs). During a secret
 * rotation pass both secrets (`[next, current]`): a delivery signed with either is accepted. A header
 * with several signatures (`v1=…,v1=…`) is accepted when any of them matches; schemes other than `v1`
 * are ignored. Comparisons are constant-time.
 */
export function verifySignature(
  secret: string | readonly string[],
  headers: HeaderSource,
  rawBody: string | Uint8Array,
  options: VerifyOptions = {},
): boolean {
  const secrets = (typeof secret === "string" ? [secret] : [...secret]).filter((s) => s.length > 0);
  if (secrets.length === 0) throw new TypeError("verifySignature: no secret given");
  const timestamp = headerValue(headers, TIMESTAMP_HEADER)?.trim() ?? "";
  const header = headerValue(headers, SIGNATURE_HEADER) ?? "";
  if (!/^\d{1,15}$/.test(timestamp)) return false;
  const now = options.now ?? Date.now() / 1000;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) return false;
  const received = header
    .split(/[\s,]+/)
    .filter((part) => part.startsWith("v1="))
    .map((part) => Buffer.from(part.slice(3).toLowerCase(), "utf8"));
  if (received.length === 0) return false;
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  let valid = false;
  for (const key of secrets) {
    const expected = Buffer.from(
      createHmac("sha256", key).update(`${timestamp}.`).update(body).digest("hex"),
      "utf8",
    );
    for (const candidate of received) {
      // Every pair is compared (no early exit), so the time taken does not say which one matched.
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) valid = true;
    }
  }
  return valid;
}

/** `v1=` + hex HMAC-SHA256(secret, `"{timestamp}.{body}"`): what roomsvc sends; handy in tests. */
export function signDelivery(secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex")}`;
}

// --- events ----------------------------------------------------------------------------------------

/** One event of type `T`: the envelope of every delivery, SSE message and `GET /v1/events` item. */
export interface RoomsvcEventOf<T extends EventType> {
  /** Unique and stable (a redelivery carries the same id): de-duplicate by it. */
  id: string;
  type: T;
  /** The room's name, or null (egress and ingress without a room). */
  room: string | null;
  /** When it happened (ISO 8601, UTC). */
  occurred_at: string;
  data: EventPayloads[T];
}

/** Any event, discriminated by `type`: `if (event.type === "participant.kicked") event.data …`. */
export type RoomsvcEvent = { [T in EventType]: RoomsvcEventOf<T> }[EventType];

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && KNOWN_TYPES.has(value);
}

/** The body is not an event envelope, or its type is one this client does not know (regenerate it). */
export class EventParseError extends Error {
  override name = "EventParseError";
}

/**
 * An event from a delivery's raw body (string or bytes) or an already parsed item (an SSE `data:` line
 * after JSON.parse, an item of `GET /v1/events`). Checks the envelope and the type; the payload is typed
 * from the OpenAPI document but not validated field by field.
 */
export function parseEvent(body: string | Uint8Array | object): RoomsvcEvent {
  let value: unknown = body;
  if (typeof body === "string" || body instanceof Uint8Array) {
    const text = typeof body === "string" ? body : new TextDecoder().decode(body);
    try {
      value = JSON.parse(text);
    } catch {
      throw new EventParseError("the body is not JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EventParseError("an event is a JSON object");
  }
  const event = value as Record<string, unknown>;
  for (const field of ["id", "type", "occurred_at"] as const) {
    if (typeof event[field] !== "string") throw new EventParseError(`\`${field}\` must be a string`);
  }
  if (event.room !== null && typeof event.room !== "string") {
    throw new EventParseError("`room` must be a string or null");
  }
  if (typeof event.data !== "object" || event.data === null || Array.isArray(event.data)) {
    throw new EventParseError("`data` must be an object");
  }
  if (!isEventType(event.type)) {
    throw new EventParseError(
      `unknown event type ${JSON.stringify(event.type)}: this client predates it; regenerate it (make clients)`,
    );
  }
  return {
    id: event.id as string,
    type: event.type,
    room: event.room as string | null,
    occurred_at: event.occurred_at as string,
    data: event.data,
  } as RoomsvcEvent;
}

// --- errors ----------------------------------------------------------------------------------------

/** An RFC 9457 problem, as every roomsvc error answers (`application/problem+json`). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  instance?: string;
  field?: string;
  [extension: string]: unknown;
}

/** A non-2xx answer: `status`, and the problem's `code` and `detail` (what to do). */
export class RoomsvcError extends Error {
  override name = "RoomsvcError";
  readonly status: number;
  readonly code: string | undefined;
  readonly problem: Problem;

  constructor(response: Response, body: unknown) {
    const problem: Problem =
      typeof body === "object" && body !== null ? (body as Problem) : { detail: String(body ?? "") };
    super(
      `${response.status} ${problem.code ?? response.statusText}: ${problem.detail ?? "(no detail)"}` +
        ` (${response.url})`,
    );
    this.status = response.status;
    this.code = problem.code;
    this.problem = problem;
  }
}

/**
 * The `data` of an openapi-fetch result, or a thrown {@link RoomsvcError} for an error answer:
 * `const room = unwrap(await roomsvc.GET("/v1/rooms/{room}", { params: { path: { room: "x" } } }))`.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new RoomsvcError(result.response, result.error);
  }
  return result.data as T;
}
