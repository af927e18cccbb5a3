// A room: participants live (LiveKit's view merged into ours by GET /v1/rooms/{room}/participants), the
// stage seats, bans, mutes, the audit log, the room's calls and its recordings (views/recordings.jsx), with
// the moderation and recording actions. Moderation actions send no `actor`: the API records the operator
// the console token names (its `sub`) as the actor (a recording start names it in `actor` itself).
import { useState } from "preact/hooks";
import { all, del, enc, get, post } from "../api.js";
import { Badge, Confirm, Empty, Loading, ProblemBox, detailOf, relative, usePoll, when } from "../ui.jsx";
import { RoomRecordings } from "./recordings.jsx";

const REFRESH_MS = 3000;
const SOURCES = ["microphone", "camera", "screen_share", "screen_share_audio"];

async function loadRoom(name) {
  const base = `/v1/rooms/${enc(name)}`;
  const room = await get(base);
  const soft = (promise) => promise.catch((error) => ({ error: detailOf(error) }));
  const [participants, seats, bans, audit, calls] = await Promise.all([
    all(`${base}/participants`, {}, 300),
    room.seats ? soft(get(`${base}/seats`)) : Promise.resolve(null),
    soft(get(`${base}/bans`)),
    soft(get(`${base}/audit`, { limit: 50 })),
    soft(get(`${base}/calls`, { limit: 10 })),
  ]);
  const present = participants.filter((p) => p.state !== "left" || p.connected);
  const moderation = await Promise.all(
    present.map((p) => get(`${base}/participants/${enc(p.identity)}/moderation`).catch(() => null)),
  );
  const statusOf = Object.fromEntries(present.map((p, i) => [p.identity, moderation[i]]));
  return { room, participants, seats, bans, audit, calls, statusOf };
}

function Tracks({ tracks }) {
  if (!tracks.length) return <span class="muted">no tracks</span>;
  return tracks.map((t) => (
    <span class={`chip ${t.muted ? "chip-muted" : ""}`} data-track={t.source} title={t.sid}>
      {t.source} · {t.kind}
      {t.muted ? " · muted" : ""}
    </span>
  ));
}

function MuteForm({ form, setForm }) {
  return (
    <div class="form-grid">
      <span>Sources</span>
      <div>
        {SOURCES.map((s) => (
          <label class="inline">
            <input
              type="checkbox"
              name="source"
              value={s}
              checked={form.sources.includes(s)}
              onChange={(e) =>
                setForm({
                  ...form,
                  sources: e.currentTarget.checked ? [...form.sources, s] : form.sources.filter((x) => x !== s),
                })
              }
            />{" "}
            {s}
          </label>
        ))}
      </div>
      <label for="mute-duration">Duration</label>
      <select id="mute-duration" value={form.duration} onChange={(e) => setForm({ ...form, duration: e.currentTarget.value })}>
        <option value="300">5 minutes</option>
        <option value="1h">1 hour</option>
        <option value="24h">24 hours</option>
        <option value="permanent">permanent</option>
      </select>
      <label for="mute-reason">Reason</label>
      <input id="mute-reason" value={form.reason} onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
    </div>
  );
}

function KickForm({ form, setForm }) {
  return (
    <div class="form-grid">
      <label for="kick-reason">Reason</label>
      <input id="kick-reason" value={form.reason} onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
      <label for="kick-ban">Ban (seconds)</label>
      <input
        id="kick-ban"
        type="number"
        min="0"
        value={form.ban_seconds}
        disabled={form.permanent}
        onInput={(e) => setForm({ ...form, ban_seconds: e.currentTarget.value })}
      />
      <span />
      <label class="inline">
        <input type="checkbox" checked={form.permanent} onChange={(e) => setForm({ ...form, permanent: e.currentTarget.checked })} />{" "}
        permanent ban
      </label>
    </div>
  );
}

function ReasonForm({ form, setForm, id }) {
  return (
    <div class="form-grid">
      <label for={id}>Reason</label>
      <input id={id} value={form.reason} onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
    </div>
  );
}

/** The dialog of the action being confirmed, built from its description. */
function ActionDialog({ action, onDone, onCancel }) {
  const [form, setForm] = useState(action.form ?? {});
  return (
    <Confirm
      title={action.title}
      confirmLabel={action.label}
      danger={action.danger}
      onCancel={onCancel}
      onConfirm={async () => {
        await action.run(form);
        onDone(action.done);
      }}
    >
      {action.body && <p>{action.body}</p>}
      {action.Form && <action.Form form={form} setForm={setForm} id={`${action.key}-reason`} />}
    </Confirm>
  );
}

function Seats({ seats, room, ask, act }) {
  if (!room.seats) return <Empty>This room has no stage (seats: 0).</Empty>;
  if (!seats) return <Loading what="seats" />;
  if (seats.error) return <ProblemBox error={seats.error} />;
  const base = `/v1/rooms/${enc(room.name)}/seats`;
  return (
    <div class="seats" id="seats">
      {seats.items.map((seat) => (
        <div class={`seat ${seat.identity ? "taken" : ""} ${seat.locked ? "locked" : ""}`} data-seat={seat.index}>
          <div class="seat-disc">{seat.locked ? "🔒" : seat.identity ? seat.identity.slice(0, 2).toUpperCase() : seat.index}</div>
          <div class="seat-label">
            #{seat.index} {seat.identity ?? (seat.locked ? "locked" : "empty")}
          </div>
          <div class="seat-actions">
            {seat.locked ? (
              <button type="button" class="small" onClick={() => act(`unlocked seat ${seat.index}`, () => post(`${base}/${seat.index}/unlock`))}>
                Unlock
              </button>
            ) : (
              <button type="button" class="small" onClick={() => act(`locked seat ${seat.index}`, () => post(`${base}/${seat.index}/lock`))}>
                Lock
              </button>
            )}
            {seat.identity && (
              <button
                type="button"
                class="small danger"
                onClick={() =>
                  ask({
                    key: "seat-kick",
                    title: `Remove ${seat.identity} from seat ${seat.index}?`,
                    label: "Remove from seat",
                    danger: true,
                    form: { reason: "" },
                    Form: ReasonForm,
                    run: (form) => post(`${base}/${seat.index}/kick`, { reason: form.reason }),
                    done: `removed ${seat.identity} from seat ${seat.index}`,
                  })
                }
              >
                Kick
              </button>
            )}
          </div>
        </div>
      ))}
      <p class="muted small">seat mode: {seats.seat_mode}</p>
    </div>
  );
}

export function RoomView({ room: name, me }) {
  const [dialog, setDialog] = useState(null);
  const [flash, setFlash] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [roles, setRoles] = useState({});
  const state = usePoll(() => loadRoom(name), [name], REFRESH_MS);
  const base = `/v1/rooms/${enc(name)}`;

  function done(message) {
    setDialog(null);
    setActionError(null);
    setFlash(message);
    state.reload();
  }
  async function act(message, call) {
    setActionError(null);
    try {
      await call();
      done(message);
    } catch (error) {
      setFlash(null);
      setActionError(detailOf(error));
    }
  }

  if (!state.data) {
    return (
      <section>
        <header class="view-header">
          <h2>Room {name}</h2>
        </header>
        <ProblemBox error={state.error} />
        {state.loading && <Loading what="the room" />}
      </section>
    );
  }
  const { room, participants, seats, bans, audit, calls, statusOf } = state.data;
  const open = room.status !== "ended";
  const mutes = Object.values(statusOf).filter((s) => s?.is_muted);
  return (
    <section>
      <header class="view-header">
        <h2>
          <a href="#/rooms" class="crumb">
            Rooms
          </a>{" "}
          / {room.name} <Badge value={room.status} />
        </h2>
        <div class="filters">
          <a href={`#/detection/${enc(room.name)}`}>Detection</a>
          {open && (
            <button
              type="button"
              class="danger"
              id="end-room"
              onClick={() =>
                setDialog({
                  key: "end",
                  title: `End room ${room.name}?`,
                  body: "Every participant is disconnected and the room cannot be reopened.",
                  label: "End room",
                  danger: true,
                  form: { reason: "ended from the console" },
                  Form: ReasonForm,
                  run: (form) => post(`${base}/end`, { reason: form.reason }),
                  done: `ended ${room.name}`,
                })
              }
            >
              End room
            </button>
          )}
        </div>
      </header>
      <p class="muted">
        owner <strong>{room.owner}</strong> · created by {room.creator} {when(room.created_at)} · {room.call_type}
        {room.ended_at && ` · ended ${when(room.ended_at)} (${room.end_reason})`}
      </p>
      <ProblemBox error={state.error} />
      <ProblemBox error={actionError} />
      {flash && (
        <div class="flash" role="status" id="flash">
          {flash}
        </div>
      )}

      <div class="grid-2">
        <div class="card wide">
          <h3>Participants</h3>
          {participants.length === 0 ? (
            <Empty>Nobody has joined.</Empty>
          ) : (
            <table class="table" id="participants">
              <thead>
                <tr>
                  <th>Identity</th>
                  <th>Role</th>
                  <th>Connection</th>
                  <th>Tracks</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {participants.map((p) => {
                  const status = statusOf[p.identity];
                  const role = roles[p.identity] ?? (p.role === "owner" ? "" : p.role ?? "member");
                  return (
                    <tr data-participant={p.identity}>
                      <td>
                        <strong>{p.identity}</strong>
                        {p.name && p.name !== p.identity && <div class="muted small">{p.name}</div>}
                      </td>
                      <td data-role>{p.role ?? "—"}</td>
                      <td>
                        <span class={`dot ${p.connected ? "on" : "off"}`} />{" "}
                        <span data-connection>{p.connected ? "connected" : p.state}</span>
                        {p.joined_at && <div class="muted small">since {when(p.joined_at)}</div>}
                      </td>
                      <td class="tracks">
                        <Tracks tracks={p.tracks} />
                        {status?.is_muted && (
                          <div class="muted small" data-muted>
                            muted: {status.muted_sources.join(", ")} ({status.mute_expires_at ? `until ${when(status.mute_expires_at)}` : "permanent"})
                          </div>
                        )}
                      </td>
                      <td class="actions">
                        {open && p.role !== "owner" && (
                          <>
                            {status?.is_muted ? (
                              <button
                                type="button"
                                class="small"
                                data-action="unmute"
                                onClick={() => act(`unmuted ${p.identity}`, () => post(`${base}/participants/${enc(p.identity)}/unmute`, {}))}
                              >
                                Unmute
                              </button>
                            ) : (
                              <button
                                type="button"
                                class="small"
                                data-action="mute"
                                onClick={() =>
                                  setDialog({
                                    key: "mute",
                                    title: `Mute ${p.identity}?`,
                                    body: "The muted tracks are removed and cannot be published again until the mute ends.",
                                    label: "Mute",
                                    danger: true,
                                    form: { sources: ["microphone"], duration: "1h", reason: "" },
                                    Form: MuteForm,
                                    run: (form) => {
                                      const duration = /^\d+$/.test(form.duration) ? Number(form.duration) : form.duration;
                                      return post(`${base}/participants/${enc(p.identity)}/mute`, {
                                        sources: form.sources,
                                        duration,
                                        reason: form.reason,
                                      });
                                    },
                                    done: `muted ${p.identity}`,
                                  })
                                }
                              >
                                Mute
                              </button>
                            )}
                            <button
                              type="button"
                              class="small danger"
                              data-action="kick"
                              onClick={() =>
                                setDialog({
                                  key: "kick",
                                  title: `Kick ${p.identity}?`,
                                  body: "They are disconnected now and cannot rejoin while banned.",
                                  label: "Kick",
                                  danger: true,
                                  form: { reason: "", ban_seconds: 600, permanent: false },
                                  Form: KickForm,
                                  run: (form) =>
                                    post(`${base}/participants/${enc(p.identity)}/kick`, {
                                      reason: form.reason,
                                      ban_seconds: Number(form.ban_seconds) || 0,
                                      permanent: form.permanent,
                                    }),
                                  done: `kicked ${p.identity}`,
                                })
                              }
                            >
                              Kick / ban
                            </button>
                            <span class="role-change">
                              <select
                                aria-label={`role of ${p.identity}`}
                                value={role}
                                onChange={(e) => setRoles({ ...roles, [p.identity]: e.currentTarget.value })}
                              >
                                {["admin", "member", "audience"].map((r) => (
                                  <option value={r}>{r}</option>
                                ))}
                              </select>
                              <button
                                type="button"
                                class="small"
                                data-action="role"
                                disabled={role === p.role}
                                onClick={() =>
                                  setDialog({
                                    key: "role",
                                    title: `Make ${p.identity} ${role}?`,
                                    body: `Their grants change at once (now ${p.role ?? "no role"}).`,
                                    label: "Change role",
                                    run: () => post(`${base}/participants/${enc(p.identity)}/role`, { role }),
                                    done: `${p.identity} is now ${role}`,
                                  })
                                }
                              >
                                Set role
                              </button>
                            </span>
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>

        <div class="card">
          <h3>Stage seats</h3>
          <Seats seats={seats} room={room} ask={setDialog} act={act} />
        </div>

        <div class="card">
          <h3>Bans</h3>
          {bans.error ? (
            <ProblemBox error={bans.error} />
          ) : bans.items.length === 0 ? (
            <Empty>No bans.</Empty>
          ) : (
            <table class="table" id="bans">
              <thead>
                <tr>
                  <th>Identity</th>
                  <th>Expires</th>
                  <th>By</th>
                  <th>Reason</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {bans.items.map((b) => (
                  <tr data-ban={b.identity}>
                    <td>{b.identity}</td>
                    <td title={when(b.expires_at)}>{b.permanent ? "permanent" : relative(b.expires_at)}</td>
                    <td>{b.actor ?? "—"}</td>
                    <td>{b.reason || "—"}</td>
                    <td>
                      <button type="button" class="small" onClick={() => act(`lifted the ban on ${b.identity}`, () => del(`${base}/bans/${enc(b.identity)}`))}>
                        Lift
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Mutes</h3>
          {mutes.length === 0 ? (
            <Empty>No mutes.</Empty>
          ) : (
            <table class="table" id="mutes">
              <thead>
                <tr>
                  <th>Identity</th>
                  <th>Source</th>
                  <th>Expires</th>
                </tr>
              </thead>
              <tbody>
                {mutes.flatMap((s) =>
                  s.mutes.map((m) => (
                    <tr data-mute={s.identity}>
                      <td>{s.identity}</td>
                      <td>{m.source}</td>
                      <td title={when(m.expires_at)}>{m.expires_at ? relative(m.expires_at) : "permanent"}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
        </div>

        <div class="card wide">
          <h3>Audit log</h3>
          {audit.error ? (
            <ProblemBox error={audit.error} />
          ) : audit.items.length === 0 ? (
            <Empty>No moderation yet.</Empty>
          ) : (
            <table class="table" id="audit">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Action</th>
                  <th>Actor</th>
                  <th>Target</th>
                  <th>Reason</th>
                  <th>Caller</th>
                </tr>
              </thead>
              <tbody>
                {audit.items.map((a) => (
                  <tr data-audit={a.action}>
                    <td>{when(a.created_at)}</td>
                    <td>{a.action}</td>
                    <td data-actor>{a.actor ?? "—"}</td>
                    <td>{a.target ?? "—"}</td>
                    <td>{a.reason || "—"}</td>
                    <td class="muted">{a.caller}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>

        <div class="card wide">
          <h3>Calls</h3>
          {calls.error ? (
            <ProblemBox error={calls.error} />
          ) : calls.items.length === 0 ? (
            <Empty>No call recorded yet (a call starts when the first participant connects).</Empty>
          ) : (
            <table class="table" id="room-calls">
              <thead>
                <tr>
                  <th>Call</th>
                  <th>Started</th>
                  <th>Ended</th>
                  <th class="num">Peak</th>
                </tr>
              </thead>
              <tbody>
                {calls.items.map((c) => (
                  <tr data-call={c.id}>
                    <td>
                      <a href={`#/calls/${enc(c.id)}`}>{c.id}</a>
                    </td>
                    <td>{when(c.started_at)}</td>
                    <td>{c.ended_at ? when(c.ended_at) : "ongoing"}</td>
                    <td class="num">{c.peak_participants}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>

        <RoomRecordings room={room.name} open={open} me={me} />
      </div>
      {dialog && <ActionDialog action={dialog} onCancel={() => setDialog(null)} onDone={done} />}
    </section>
  );
}
