// Events: the feed live over SSE (GET /v1/events/stream, read with fetch so the token travels in the
// Authorization header), filtered by type, after the latest events from GET /v1/events; and each event
// subscription with its delivery success rate, its last failures and a redeliver button.
import { useEffect, useState } from "preact/hooks";
import { all, enc, get, post, streamEvents } from "../api.js";
import { Badge, Empty, Loading, ProblemBox, clock, detailOf, usePoll, when } from "../ui.jsx";

const TYPES = [
  "room.created", "room.updated", "room.started", "room.ended", "room.owner_changed",
  "participant.joined", "participant.left", "participant.kicked", "participant.ban_lifted",
  "participant.muted", "participant.unmuted", "participant.role_changed",
  "track.published", "track.unpublished",
  "seat.taken", "seat.left", "seat.kicked", "seat.locked", "seat.unlocked", "seat.vacated",
  "seat_request.created", "seat_request.approved", "seat_request.rejected", "seat_request.cancelled",
  "egress.updated", "ingress.updated",
  "detection.started", "detection.state_changed", "detection.alert",
];
const KEEP = 200;

function summary(data) {
  if (!data || typeof data !== "object") return String(data ?? "");
  const payload = data.data && typeof data.data === "object" ? data.data : data;
  return Object.entries(payload)
    .filter(([, v]) => v !== null && typeof v !== "object")
    .slice(0, 6)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

function Feed() {
  const [type, setType] = useState("");
  const [events, setEvents] = useState([]);
  const [stream, setStream] = useState({ live: false, error: null });
  const [error, setError] = useState(null);
  useEffect(() => {
    let cancelled = false;
    setEvents([]);
    setError(null);
    setStream({ live: false, error: null });
    let stop = () => {};
    // The latest events first, then the stream from now on (it starts at the feed's current end).
    get("/v1/events", { type: type || undefined, limit: 30 })
      .then((page) => {
        if (cancelled) return;
        setEvents(page.items.map((e) => ({ id: e.id, type: e.type, room: e.room, at: e.occurred_at, data: e.data })));
      })
      .catch((failure) => !cancelled && setError(detailOf(failure)))
      .finally(() => {
        if (cancelled) return;
        stop = streamEvents({
          type: type || undefined,
          onState: (s) => !cancelled && setStream(s),
          onEvent: (e) => {
            if (cancelled) return;
            const body = e.data ?? {};
            const item = { id: e.id, type: e.type, room: body.room ?? null, at: body.occurred_at ?? null, data: body.data ?? body, live: true };
            setEvents((old) => (old.some((x) => x.id === item.id) ? old : [item, ...old].slice(0, KEEP)));
          },
        });
      });
    return () => {
      cancelled = true;
      stop();
    };
  }, [type]);
  return (
    <div class="card wide">
      <header class="view-header">
        <h3>
          Live feed{" "}
          <span class={`dot ${stream.live ? "on" : "off"}`} id="stream-state" data-live={String(stream.live)} />{" "}
          <span class="muted small">{stream.live ? "streaming" : "connecting…"}</span>
        </h3>
        <label>
          Type{" "}
          <select id="event-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">all</option>
            {TYPES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
      </header>
      <ProblemBox error={error} />
      <ProblemBox error={stream.error} />
      {events.length === 0 ? (
        <Empty>No events yet{type ? ` of type ${type}` : ""}; new ones appear here as they happen.</Empty>
      ) : (
        <table class="table" id="events">
          <thead>
            <tr>
              <th>When</th>
              <th>Type</th>
              <th>Room</th>
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr data-event={e.type} class={e.live ? "fresh" : ""} title={e.id}>
                <td class="nowrap" title={when(e.at)}>
                  {clock(e.at)}
                </td>
                <td>
                  <code>{e.type}</code>
                </td>
                <td class="nowrap">{e.room ? <a href={`#/rooms/${enc(e.room)}`}>{e.room}</a> : "—"}</td>
                <td class="small ellipsis data" title={JSON.stringify(e.data)}>
                  {summary(e.data)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

const SUBSCRIPTIONS_SHOWN = 20;

// Every subscription (the API lists them oldest first), newest first; deliveries are read only for the
// `shown` newest, so a project with hundreds of subscriptions costs `shown` requests per refresh.
async function loadSubscriptions(shown) {
  const everything = (await all("/v1/event-subscriptions")).reverse();
  const list = { items: everything.slice(0, shown), total: everything.length };
  const deliveries = await Promise.all(
    list.items.map((s) =>
      get(`/v1/event-subscriptions/${enc(s.id)}/deliveries`, { limit: 100 }).catch((error) => ({ error: detailOf(error) })),
    ),
  );
  const items = list.items.map((s, i) => {
    const page = deliveries[i];
    if (page.error) return { ...s, error: page.error };
    const settled = page.items.filter((d) => d.status === "delivered" || d.status === "failed");
    const delivered = settled.filter((d) => d.status === "delivered").length;
    const failures = page.items.filter((d) => d.status === "failed" || (d.status === "pending" && d.last_error));
    return {
      ...s,
      recent: page.items.length,
      pending: page.items.filter((d) => d.status === "pending").length,
      rate: settled.length ? delivered / settled.length : null,
      settled: settled.length,
      failures: failures.slice(0, 5),
    };
  });
  return { items, total: list.total };
}

function Subscriptions() {
  const [shown, setShown] = useState(SUBSCRIPTIONS_SHOWN);
  const subs = usePoll(() => loadSubscriptions(shown), [shown], 10000);
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);
  async function redeliver(sub, delivery) {
    setError(null);
    try {
      const result = await post(`/v1/events/${enc(delivery.event_id)}/redeliver`, { subscription_id: sub.id });
      setMessage(`Redelivery of ${result.event_id} scheduled to ${result.scheduled.length} subscription(s).`);
      subs.reload();
    } catch (failure) {
      setMessage(null);
      setError(detailOf(failure));
    }
  }
  return (
    <div class="card wide">
      <h3>Subscriptions</h3>
      <ProblemBox error={subs.error} />
      <ProblemBox error={error} />
      {message && (
        <div class="flash" id="redelivered">
          {message}
        </div>
      )}
      {subs.loading && <Loading what="subscriptions" />}
      {subs.data &&
        (subs.data.items.length === 0 ? (
          <Empty>No event subscriptions in this project.</Empty>
        ) : (
          subs.data.items.map((s) => (
            <div class="subscription" data-subscription={s.id}>
              <div class="subscription-head">
                <code>{s.url}</code> <Badge value={s.status} />
                <span class="rate" data-rate>
                  {s.error ? "—" : s.rate === null ? "no settled deliveries" : `${(s.rate * 100).toFixed(1)}% delivered`}
                </span>
              </div>
              <div class="muted small">
                {s.id} · {s.event_types.join(", ")} · {s.consecutive_failures} consecutive failure(s)
                {s.disabled_reason && ` · disabled: ${s.disabled_reason}`}
                {!s.error && ` · last ${s.recent} deliveries: ${s.settled} settled, ${s.pending} pending`}
              </div>
              <ProblemBox error={s.error} />
              {s.failures?.length > 0 && (
                <table class="table compact">
                  <thead>
                    <tr>
                      <th>Event</th>
                      <th>Type</th>
                      <th>Status</th>
                      <th class="num">Attempts</th>
                      <th>Last error</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {s.failures.map((d) => (
                      <tr>
                        <td class="small">{d.event_id}</td>
                        <td>{d.event_type}</td>
                        <td>
                          <Badge value={d.status} />
                        </td>
                        <td class="num">{d.attempts}</td>
                        <td class="small ellipsis" title={d.last_error ?? ""}>
                          {d.last_status_code ? `HTTP ${d.last_status_code} ` : ""}
                          {d.last_error ?? ""}
                        </td>
                        <td>
                          <button type="button" class="small" data-redeliver onClick={() => redeliver(s, d)}>
                            Redeliver
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))
        ))}
      {subs.data && subs.data.total > subs.data.items.length && (
        <p class="muted">
          Newest {subs.data.items.length} of {subs.data.total} subscriptions.{" "}
          <button type="button" class="small" id="more-subscriptions" onClick={() => setShown(shown + SUBSCRIPTIONS_SHOWN)}>
            Show more
          </button>
        </p>
      )}
    </div>
  );
}

export function EventsView() {
  return (
    <section>
      <header class="view-header">
        <h2>Events</h2>
      </header>
      <Feed />
      <Subscriptions />
    </section>
  );
}
