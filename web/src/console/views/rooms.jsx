// Rooms: the project's rooms newest first, filtered by status and searched by name prefix (on the server:
// GET /v1/rooms?name_prefix=), with the number of participants connected now (from LiveKit, through
// GET /v1/rooms/{room}/participants). Refreshes itself.
import { useEffect, useState } from "preact/hooks";
import { enc, get } from "../api.js";
import { Badge, Empty, Loading, ProblemBox, usePoll, when } from "../ui.jsx";

const REFRESH_MS = 4000;
const STATUSES = ["", "active", "created", "ended"];

async function liveCount(room) {
  if (room.status === "ended") return null;
  try {
    const page = await get(`/v1/rooms/${enc(room.name)}/participants`, { limit: 100 });
    return page.items.filter((p) => p.connected).length;
  } catch {
    return "?";
  }
}

export function RoomsView() {
  const [status, setStatus] = useState("");
  const [search, setSearch] = useState("");
  const [prefix, setPrefix] = useState("");
  const [pages, setPages] = useState(1);
  // The query follows the box once typing pauses, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setPrefix(search.trim());
      setPages(1);
    }, 300);
    return () => clearTimeout(timer);
  }, [search]);
  const rooms = usePoll(
    async () => {
      const items = [];
      let cursor;
      let more = null;
      for (let n = 0; n < pages; n += 1) {
        const page = await get("/v1/rooms", { status, name_prefix: prefix || undefined, limit: 50, cursor });
        items.push(...page.items);
        cursor = page.next_cursor;
        more = cursor;
        if (!cursor) break;
      }
      const counts = await Promise.all(items.map(liveCount));
      return { items: items.map((room, i) => ({ ...room, live: counts[i] })), more };
    },
    [status, prefix, pages],
    REFRESH_MS,
  );
  const shown = rooms.data?.items ?? [];
  const liveTotal = shown.reduce((sum, r) => sum + (typeof r.live === "number" ? r.live : 0), 0);
  return (
    <section>
      <header class="view-header">
        <h2>Rooms</h2>
        <div class="filters">
          <label>
            Status{" "}
            <select
              id="room-status"
              value={status}
              onChange={(e) => {
                setStatus(e.currentTarget.value);
                setPages(1);
              }}
            >
              {STATUSES.map((s) => (
                <option value={s}>{s || "all"}</option>
              ))}
            </select>
          </label>
          <input
            id="room-search"
            type="search"
            placeholder="Name starts with…"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </div>
      </header>
      <ProblemBox error={rooms.error} />
      {rooms.loading && <Loading what="rooms" />}
      {rooms.data && (
        <>
          <p class="muted">
            {shown.length} room{shown.length === 1 ? "" : "s"}, {liveTotal} participant{liveTotal === 1 ? "" : "s"}{" "}
            connected · refreshes every {REFRESH_MS / 1000} s
          </p>
          {shown.length === 0 ? (
            <Empty>No rooms match.</Empty>
          ) : (
            <table class="table" id="rooms">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th class="num">Connected</th>
                  <th>Owner</th>
                  <th>Type</th>
                  <th class="num">Seats</th>
                  <th>Created</th>
                  <th>Ended</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((room) => (
                  <tr data-room={room.name}>
                    <td>
                      <a href={`#/rooms/${enc(room.name)}`}>{room.name}</a>
                    </td>
                    <td>
                      <Badge value={room.status} />
                    </td>
                    <td class="num" data-live>
                      {room.live ?? "—"}
                    </td>
                    <td>{room.owner}</td>
                    <td>{room.call_type}</td>
                    <td class="num">{room.seats || "—"}</td>
                    <td>{when(room.created_at)}</td>
                    <td>{room.ended_at ? `${when(room.ended_at)} (${room.end_reason ?? "ended"})` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {rooms.data.more && (
            <button type="button" onClick={() => setPages(pages + 1)}>
              Load more
            </button>
          )}
        </>
      )}
    </section>
  );
}
