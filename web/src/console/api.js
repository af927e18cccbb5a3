// The console's only way to the API: same-origin fetch with the operator's bearer token. Every failure
// becomes a Problem carrying the RFC 9457 `detail` (or a sentence naming what failed), which the views
// show; a 401 also signs the operator out (the token expired or was revoked).

const TOKEN_KEY = "roomsvc.console.token";

export class Problem extends Error {
  constructor(status, detail, body = {}) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.code = body.code ?? null;
    this.title = body.title ?? null;
  }
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  save: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

async function problemOf(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // not JSON (a proxy's error page): keep the status line
  }
  const detail = body.detail || body.title || `${response.status} ${response.statusText || "error"}`;
  return new Problem(response.status, detail, body);
}

function url(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function headers(token, extra = {}) {
  return { Accept: "application/json", Authorization: `Bearer ${token}`, ...extra };
}

/** One request; resolves to the parsed JSON body (null for 204), rejects with a Problem. */
export async function request(method, path, { query, body, token = session.token(), quiet401 = false } = {}) {
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers: headers(token, body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new Problem(0, `The API is unreachable (${error.message}); check that roomsvc is running.`);
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && !quiet401) onUnauthorized(problem);
    throw problem;
  }
  if (response.status === 204) return null;
  return response.json();
}

/**
 * A file as a Blob, for a media element's object URL: an `<audio src>` cannot send the Authorization
 * header. Resolves to {blob, partial} (the Roomsvc-Recording-Partial header); rejects with a Problem.
 */
export async function fetchBlob(path, query) {
  let response;
  try {
    response = await fetch(url(path, query), { headers: headers(session.token(), { Accept: "*/*" }) });
  } catch (error) {
    throw new Problem(0, `The API is unreachable (${error.message}); check that roomsvc is running.`);
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401) onUnauthorized(problem);
    throw problem;
  }
  return { blob: await response.blob(), partial: response.headers.get("Roomsvc-Recording-Partial") === "true" };
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body) => request("POST", path, { body: body ?? {} });
export const del = (path, query) => request("DELETE", path, { query });

/** Every page of a cursor listing, up to `max` items. */
export async function all(path, query = {}, max = 1000) {
  const items = [];
  let cursor;
  do {
    const page = await get(path, { ...query, limit: 100, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

export const enc = encodeURIComponent;

/**
 * Reads GET /v1/events/stream with fetch (EventSource cannot send the Authorization header) and calls
 * onEvent({id, type, data}) per event. Reconnects with Last-Event-ID after a drop; stop() ends it.
 */
export function streamEvents({ type, onEvent, onState }) {
  const controller = new AbortController();
  let lastId = null;
  let stopped = false;

  async function once() {
    const response = await fetch(url("/v1/events/stream", { type }), {
      headers: headers(session.token(), lastId ? { "Last-Event-ID": lastId, Accept: "text/event-stream" } : { Accept: "text/event-stream" }),
      signal: controller.signal,
    });
    if (!response.ok) {
      const problem = await problemOf(response);
      if (response.status === 401) onUnauthorized(problem);
      throw problem;
    }
    onState({ live: true, error: null });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = { id: null, type: "message", data: [] };
        for (const line of block.split("\n")) {
          if (!line || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "id") message.id = text;
          else if (field === "event") message.type = text;
          else if (field === "data") message.data.push(text);
        }
        if (!message.data.length) continue;
        if (message.id) lastId = message.id;
        let data;
        try {
          data = JSON.parse(message.data.join("\n"));
        } catch {
          data = message.data.join("\n");
        }
        onEvent({ id: message.id, type: message.type, data });
      }
    }
  }

  (async () => {
    let delay = 1000;
    while (!stopped) {
      try {
        await once();
        delay = 1000;
        if (!stopped) onState({ live: false, error: "The stream ended; reconnecting…" });
      } catch (error) {
        if (stopped) return;
        const detail = error instanceof Problem ? error.detail : `The event stream failed (${error.message}).`;
        onState({ live: false, error: detail });
        if (error instanceof Problem && error.status >= 400 && error.status < 500 && error.status !== 429) return;
        delay = Math.min(delay * 2, 15000);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  })();

  return () => {
    stopped = true;
    controller.abort();
  };
}
