// Calls: the project's calls (GET /v1/calls, filtered by room), and per call its timeline: participants
// connected over time, and each participant session as a bar with its tracks.
import { useMemo, useState } from "preact/hooks";
import { all, enc, get } from "../api.js";
import { Chart, SessionsLegend, participantsChart, participantsOverTime, sessionsChart } from "../charts.jsx";
import { Empty, Loading, ProblemBox, useDebounced, usePoll, when } from "../ui.jsx";

const duration = (s) => (s == null ? "—" : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

function CallList({ room }) {
  const [text, setText] = useState(room ?? "");
  const filter = useDebounced(text);
  const calls = usePoll(() => get("/v1/calls", { room: filter.trim() || undefined, limit: 50 }), [filter], 5000);
  return (
    <section>
      <header class="view-header">
        <h2>Calls</h2>
        <div class="filters">
          <input
            type="search"
            id="call-room"
            placeholder="Room name"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </div>
      </header>
      <ProblemBox error={calls.error} />
      {calls.loading && <Loading what="calls" />}
      {calls.data &&
        (calls.data.items.length === 0 ? (
          <Empty>No calls{filter ? ` in ${filter}` : ""}.</Empty>
        ) : (
          <table class="table" id="calls">
            <thead>
              <tr>
                <th>Call</th>
                <th>Room</th>
                <th>Started</th>
                <th>Ended</th>
                <th class="num">Duration</th>
                <th class="num">Peak participants</th>
              </tr>
            </thead>
            <tbody>
              {calls.data.items.map((c) => (
                <tr data-call={c.id}>
                  <td>
                    <a href={`#/calls/${enc(c.id)}`}>{c.id}</a>
                  </td>
                  <td>
                    <a href={`#/rooms/${enc(c.room)}`}>{c.room}</a>
                  </td>
                  <td>{when(c.started_at)}</td>
                  <td>{c.ended_at ? when(c.ended_at) : "ongoing"}</td>
                  <td class="num">{duration(c.duration_seconds)}</td>
                  <td class="num">{c.peak_participants}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

async function loadCall(id) {
  const call = await get(`/v1/calls/${enc(id)}`);
  const sessions = call.participants_next_cursor
    ? await all(`/v1/calls/${enc(id)}/participants`, {}, 2000)
    : call.participants;
  const tracks = call.tracks_next_cursor ? await all(`/v1/calls/${enc(id)}/tracks`, {}, 5000) : call.tracks;
  return { call, sessions, tracks, now: Date.now() / 1000 };
}

function Timeline({ data }) {
  const charts = useMemo(() => {
    const { call, sessions, tracks, now } = data;
    const steps = participantsOverTime(call, sessions, now);
    return { steps: participantsChart(steps, call.id), bars: sessionsChart(call, sessions, tracks, steps, call.id) };
  }, [data]);
  return (
    <div class="card wide" id="timeline">
      <Chart {...charts.steps} id="chart-participants" height={220} />
      <Chart {...charts.bars} id="chart-sessions" height={Math.min(420, 90 + 34 * Math.max(1, data.sessions.length))} />
      <SessionsLegend />
    </div>
  );
}

function CallDetail({ id }) {
  const state = usePoll(() => loadCall(id), [id], 10000);
  const data = state.data;
  return (
    <section>
      <header class="view-header">
        <h2>
          <a href="#/calls" class="crumb">
            Calls
          </a>{" "}
          / {id}
        </h2>
      </header>
      <ProblemBox error={state.error} />
      {state.loading && <Loading what="the call" />}
      {data && (
        <>
          <p class="muted">
            room <a href={`#/rooms/${enc(data.call.room)}`}>{data.call.room}</a> · started {when(data.call.started_at)} ·{" "}
            {data.call.ended_at ? `ended ${when(data.call.ended_at)}` : "ongoing"} · {duration(data.call.duration_seconds)} · peak{" "}
            {data.call.peak_participants} · {data.sessions.length} session{data.sessions.length === 1 ? "" : "s"},{" "}
            {data.tracks.length} track{data.tracks.length === 1 ? "" : "s"}
            {data.call.repaired && " · repaired by reconciliation"}
          </p>
          {data.sessions.length === 0 ? <Empty>No participant session recorded yet.</Empty> : <Timeline data={data} />}
          <div class="card wide">
            <h3>Sessions</h3>
            <table class="table" id="sessions">
              <thead>
                <tr>
                  <th>Identity</th>
                  <th>Kind</th>
                  <th>Joined</th>
                  <th>Left</th>
                  <th class="num">Duration</th>
                  <th>Tracks</th>
                  <th>Disconnect reason</th>
                </tr>
              </thead>
              <tbody>
                {data.sessions.map((s) => (
                  <tr data-session={s.identity}>
                    <td>{s.identity}</td>
                    <td>{s.kind}</td>
                    <td>{when(s.joined_at)}</td>
                    <td>{s.left_at ? when(s.left_at) : "connected"}</td>
                    <td class="num">{duration(s.duration_seconds)}</td>
                    <td>
                      {data.tracks
                        .filter((t) => t.participant_sid === s.sid)
                        .map((t) => (
                          <span class="chip">
                            {t.source} · {t.kind}
                            {t.unpublished_at ? ` (until ${when(t.unpublished_at)})` : ""}
                          </span>
                        ))}
                    </td>
                    <td>{s.disconnect_reason ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function CallsView({ callId, room }) {
  return callId ? <CallDetail id={callId} /> : <CallList room={room} />;
}
