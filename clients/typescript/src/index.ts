/**
 * @roomsvc/client: a typed client for the roomsvc API. The types (`paths`, `components`, `operations`) are
 * generated from roomsvc's OpenAPI document by openapi-typescript (src/schema.d.ts, `make clients`); the
 * requests are made by openapi-fetch; this file and helpers.ts are written by hand.
 */

import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";

import { callerToken, PROJECT_HEADER } from "./helpers.js";
import type { paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";
export * from "./events.js";
export * from "./helpers.js";

/** A caller credential the client signs its own short-lived tokens with (one per `ttl`, renewed early). */
export interface CallerCredential {
  credentialId: string;
  secret: string;
  /** Scopes to ask for (default: every scope the credential was granted). */
  scopes?: readonly string[];
  /** `aud` (default `roomsvc`, roomsvc's `ROOMSVC_CALLER_AUDIENCE`). */
  audience?: string;
  /** Lifetime of each token in seconds (default 300). */
  ttl?: number;
  /** The operator acting: each token's `sub`. */
  operator?: string;
}

interface BaseOptions extends Omit<ClientOptions, "baseUrl" | "headers"> {
  /** Where roomsvc listens, e.g. `http://127.0.0.1:8000` (the paths carry `/v1`). */
  baseUrl: string;
  /**
   * The project every request acts in (`Roomsvc-Project`): required by `platform` (operator) credentials
   * on project routes; a project credential may only name its own project.
   */
  project?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

export type RoomsvcClientOptions = BaseOptions &
  (
    | {
        /** A caller JWT, or a function returning a fresh one for each request. */
        token: string | (() => string | Promise<string>);
        credential?: never;
      }
    | { credential: CallerCredential; token?: never }
  );

/** openapi-fetch's client over roomsvc's paths: `GET`, `POST`, `PATCH`, `DELETE`, … with typed params. */
export type RoomsvcClient = Client<paths>;

const RENEW_BEFORE_SECONDS = 30;

/**
 * A client that sends `Authorization: Bearer <caller JWT>` (and `Roomsvc-Project` when `project` is set)
 * with every request.
 *
 * ```ts
 * const roomsvc = createRoomsvcClient({ baseUrl, credential: { credentialId, secret } });
 * const { data, error } = await roomsvc.GET("/v1/rooms/{room}", { params: { path: { room: "standup-42" } } });
 * ```
 */
export function createRoomsvcClient(options: RoomsvcClientOptions): RoomsvcClient {
  const { token, credential, project, headers, ...rest } = options;
  if ((token === undefined) === (credential === undefined)) {
    throw new TypeError("createRoomsvcClient: pass exactly one of `token` and `credential`");
  }
  const bearer = token !== undefined ? tokenSource(token) : credentialTokens(credential as CallerCredential);
  const client = createClient<paths>({
    ...rest,
    headers: { ...headers, ...(project !== undefined ? { [PROJECT_HEADER]: project } : {}) },
  });
  const auth: Middleware = {
    async onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${await bearer()}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

function tokenSource(token: string | (() => string | Promise<string>)): () => Promise<string> {
  return typeof token === "string" ? async () => token : async () => token();
}

function credentialTokens(credential: CallerCredential): () => Promise<string> {
  const ttl = credential.ttl ?? 300;
  let cached: { token: string; renewAt: number } | undefined;
  return async () => {
    const now = Date.now() / 1000;
    if (cached === undefined || now >= cached.renewAt) {
      const token = callerToken({
        credentialId: credential.credentialId,
        secret: credential.secret,
        scopes: credential.scopes ?? [],
        ttl,
        ...(credential.audience !== undefined ? { audience: credential.audience } : {}),
        ...(credential.operator !== undefined ? { operator: credential.operator } : {}),
      });
      cached = { token, renewAt: now + Math.max(ttl - RENEW_BEFORE_SECONDS, ttl / 2) };
    }
    return cached.token;
  };
}
