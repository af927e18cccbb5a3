// Recordings: the project's recordings (GET /v1/recordings, filtered by room, state and kind, newest
// first), one recording with its files and a player per finished file, and the room view's panel that
// starts and stops them. Playback: the file route needs the Authorization header, which a media
// element's `src` cannot send, so each file is fetched with the operator's token into a Blob and played
// from an object URL (revoked when the player unmounts); its SHA-256 is checked against the API's.
import { useEffect, useState } from "preact/hooks";
import { del, enc, fetchBlob, get, post } from "../api.js";
import { Badge, Confirm, Empty, Loading, ProblemBox, detailOf, useDebounced, usePoll, when } from "../ui.jsx";

const REFRESH_MS = 3000;
const STATES = ["", "starting", "recording", "stopping", "ready", "partial", "failed"];
const KINDS = ["", "room_audio", "tracks"];
const ACTIVE = new Set(["starting", "recording", "stopping"]);
const PLAYABLE = new Set(["ready", "partial"]);
// Larger files wait for a click before they are downloaded into the tab's memory.
const AUTOLOAD_BYTES = 50_000_000;

export function size(bytes) {
  if (bytes == null) return "—";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function length(seconds) {
  if (seconds == null) return "—";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")} min`;
}

const shortSha = (sha) => (sha ? sha.slice(0, 12) : "—");
const fileName = (file) => file.key.split("/").pop();
const kindLabel = { room_audio: "room audio", tracks: "tracks" };

/** The state as a badge; a failure's reason, and why a finished one stopped, beside it. */
function RecordingState({ recording }) {
  return (
    <span data-state={recording.state}>
      <Badge value={recording.state} kind={`rec-${recording.state}`} />
      {recording.state === "failed" && recording.failure_reason && (
        <div class="small reason" data-reason>
          {recording.failure_reason}
        </div>
      )}
      {recording.state !== "failed" && recording.stop_reason && (
        <div class="muted small">stopped: {recording.stop_reason}</div>
      )}
    </span>
  );
}

/** Stop and Delete (with a confirmation), as the recording's state allows. */
function Actions({ recording, onDone, onError, ask }) {
  const base = `/v1/recordings/${enc(recording.id)}`;
  const active = ACTIVE.has(recording.state);
  async function stop() {
    try {
      await post(`${base}/stop`);
      onDone(`stopping ${recording.id}`);
    } catch (error) {
      onError(detailOf(error));
    }
  }
  return (
    <>
      {active && (
        <button type="button" class="small" data-action="stop" disabled={recording.state === "stopping"} onClick={stop}>
          Stop
        </button>
      )}
      {!active && (
        <button
          type="button"
          class="small danger"
          data-action="delete"
          onClick={() =>
            ask({
              title: `Delete recording ${recording.id}?`,
              body: `Its ${recording.files.length} file${recording.files.length === 1 ? "" : "s"} (${size(recording.size)}) are deleted from storage, then its record. This cannot be undone.`,
              label: "Delete",
              danger: true,
              run: () => del(base),
              done: `deleted ${recording.id}`,
              deleted: recording.id,
            })
          }
        >
          Delete
        </button>
      )}
    </>
  );
}

/** The dialog confirming an action; `run()` may answer the message to show when it is done. */
function AskDialog({ action, onDone, onCancel }) {
  return (
    <Confirm
      title={action.title}
      confirmLabel={action.label}
      danger={Boolean(action.danger)}
      onCancel={onCancel}
      onConfirm={async () => {
        const message = await action.run();
        onDone(action.done ?? message, action.deleted);
      }}
    >
      <p>{action.body}</p>
    </Confirm>
  );
}

/** One file: its facts, and (once finished) a player fed from a Blob fetched with the token. */
function FileCard({ recording, file }) {
  const playable = PLAYABLE.has(file.state) && PLAYABLE.has(recording.state);
  const [wanted, setWanted] = useState(file.size <= AUTOLOAD_BYTES);
  const [media, setMedia] = useState({ url: null, error: null, loading: false, verified: null });
  useEffect(() => {
    if (!playable || !wanted) return undefined;
    let url = null;
    let cancelled = false;
    setMedia({ url: null, error: null, loading: true, verified: null });
    (async () => {
      try {
        const { blob } = await fetchBlob(`/v1/recordings/${enc(recording.id)}/file`, { file: file.id });
        let verified = null;
        if (globalThis.crypto?.subtle && file.sha256) {
          const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
          verified = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("") === file.sha256;
        }
        if (cancelled) return;
        url = URL.createObjectURL(blob);
        setMedia({ url, error: null, loading: false, verified });
      } catch (error) {
        if (!cancelled) setMedia({ url: null, error: detailOf(error), loading: false, verified: null });
      }
    })();
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [recording.id, file.id, file.sha256, playable, wanted]);

  const video = file.content_type.startsWith("video/");
  return (
    <div class="file-card" data-file={file.id} data-file-state={file.state}>
      <div class="file-head">
        <strong>{file.kind === "mix" ? "room mix" : `${file.identity ?? "?"} · ${file.kind}`}</strong>
        <Badge value={file.state} kind={`rec-${file.state}`} />
        <span class="muted">{file.content_type}</span>
        <span>{length(file.duration_s)}</span>
        <span>{size(file.size)}</span>
        <span class="muted">
          sha256{" "}
          <code title={file.sha256 ?? ""} data-sha>
            {shortSha(file.sha256)}
          </code>
        </span>
        {media.verified === true && (
          <span class="ok small" data-verified="true" title="the downloaded bytes hash to the sha256 the API reports">
            ✓ verified
          </span>
        )}
        {media.verified === false && (
          <span class="reason small" data-verified="false">
            ✗ the download does not match its sha256
          </span>
        )}
      </div>
      {file.track_sid && <div class="muted small">track {file.track_sid}</div>}
      {!playable ? (
        <p class="muted small">{file.state === "writing" ? "Being written…" : "Nothing to play."}</p>
      ) : !wanted ? (
        <button type="button" class="small" onClick={() => setWanted(true)}>
          Load for playback ({size(file.size)})
        </button>
      ) : (
        <>
          <ProblemBox error={media.error} />
          {media.loading && <p class="muted small">Loading {size(file.size)}…</p>}
          {media.url && (
            <div class="player">
              {video ? (
                <video controls preload="metadata" src={media.url} data-player={file.id} />
              ) : (
                <audio controls preload="metadata" src={media.url} data-player={file.id} />
              )}
              <a href={media.url} download={fileName(file)} class="small">
                Download
              </a>
            </div>
          )}
        </>
      )}
    </div>
  );
}

function RecordingDetail({ id, ask, onDone, onError }) {
  const state = usePoll(() => get(`/v1/recordings/${enc(id)}`), [id], REFRESH_MS);
  const r = state.data;
  return (
    <div class="card wide" id="recording" data-recording={id}>
      <ProblemBox error={state.error} />
      {state.loading && <Loading what="the recording" />}
      {r && (
        <>
          <div class="view-header">
            <h3 data-state={r.state}>
              {r.id} <Badge value={r.state} kind={`rec-${r.state}`} />
            </h3>
            <div class="filters">
              <Actions recording={r} ask={ask} onDone={onDone} onError={onError} />
            </div>
          </div>
          {r.state === "failed" && <ProblemBox error={`Failed: ${r.failure_reason ?? "no reason given"}`} />}
          <p class="muted">
            {kindLabel[r.kind] ?? r.kind} of room <a href={`#/rooms/${enc(r.room)}`}>{r.room}</a> · {r.backend} → {r.storage}{" "}
            <code>{r.key_prefix}</code> · started {when(r.started_at)}
            {r.ended_at && ` · ended ${when(r.ended_at)}`}
            {r.stop_reason && ` (${r.stop_reason})`} · {length(r.duration_s)} · {size(r.size)} · by{" "}
            {r.actor ?? r.requested_by}
            {r.auto && " (auto_record)"}
            {(r.identities.length > 0 || r.track_sids.length > 0) &&
              ` · only ${[...r.identities, ...r.track_sids].join(", ")}`}
          </p>
          {r.files.length === 0 ? (
            <Empty>{ACTIVE.has(r.state) ? "No file yet: the recorder opens one per track it subscribes to." : "No file."}</Empty>
          ) : (
            r.files.map((f) => <FileCard recording={r} file={f} key={f.id} />)
          )}
        </>
      )}
    </div>
  );
}

function RecordingRows({ items, ask, onDone, onError, showRoom = true, selected }) {
  return (
    <tbody>
      {items.map((r) => (
        <tr data-recording={r.id} data-state={r.state} class={r.id === selected ? "selected" : ""}>
          <td>
            <a href={`#/recordings/${enc(r.id)}${showRoom ? "" : `?room=${enc(r.room)}`}`} class="rec-id">
              {r.id}
            </a>
            <div class="muted small">
              {kindLabel[r.kind] ?? r.kind}
              {r.auto ? " · auto" : ""}
            </div>
          </td>
          {showRoom && (
            <td class="nowrap">
              <a href={`#/rooms/${enc(r.room)}`}>{r.room}</a>
            </td>
          )}
          <td>
            <RecordingState recording={r} />
          </td>
          <td class="nowrap">{when(r.started_at ?? r.created_at)}</td>
          <td class="num" data-duration>
            {length(r.duration_s)}
          </td>
          <td class="num nowrap" data-size={ACTIVE.has(r.state) ? r.bytes_written : r.size}>
            {ACTIVE.has(r.state) ? `${size(r.bytes_written)} so far` : size(r.size)}
          </td>
          <td>
            {r.files.map((f) => (
              <span class="chip" data-file-chip={f.id} title={f.sha256 ?? ""}>
                {f.kind === "mix" ? "mix" : `${f.identity ?? "?"} ${f.kind}`} · {f.state}
                {f.sha256 ? ` · ${shortSha(f.sha256)}` : ""}
              </span>
            ))}
            {r.files.length === 0 && <span class="muted">—</span>}
          </td>
          <td class="actions">
            <Actions recording={r} ask={ask} onDone={onDone} onError={onError} />
          </td>
        </tr>
      ))}
    </tbody>
  );
}

/** The Recordings view (#/recordings, #/recordings/<id>?room=…): one recording on top, the list below. */
export function RecordingsView({ id, room: initialRoom }) {
  const [roomText, setRoomText] = useState(initialRoom ?? "");
  const room = useDebounced(roomText);
  const [stateFilter, setStateFilter] = useState("");
  const [kind, setKind] = useState("");
  const [pages, setPages] = useState(1);
  const [dialog, setDialog] = useState(null);
  const [flash, setFlash] = useState(null);
  const [actionError, setActionError] = useState(null);
  const list = usePoll(
    async () => {
      const items = [];
      let cursor;
      for (let n = 0; n < pages; n += 1) {
        const page = await get("/v1/recordings", {
          room: room.trim() || undefined,
          state: stateFilter || undefined,
          kind: kind || undefined,
          limit: 50,
          cursor,
        });
        items.push(...page.items);
        cursor = page.next_cursor;
        if (!cursor) break;
      }
      return { items, more: cursor ?? null };
    },
    [room, stateFilter, kind, pages],
    REFRESH_MS,
  );
  function onDone(message, deleted) {
    setDialog(null);
    setActionError(null);
    setFlash(message);
    if (deleted && deleted === id) location.hash = "#/recordings";
    list.reload();
  }
  function onError(detail) {
    setFlash(null);
    setActionError(detail);
  }
  const filters = [
    ["rec-state", "State", stateFilter, setStateFilter, STATES],
    ["rec-kind", "Kind", kind, setKind, KINDS],
  ];
  return (
    <section>
      <header class="view-header">
        <h2>
          {id ? (
            <>
              <a href="#/recordings" class="crumb">
                Recordings
              </a>{" "}
              / {id}
            </>
          ) : (
            "Recordings"
          )}
        </h2>
        <div class="filters">
          <input
            type="search"
            id="rec-room"
            placeholder="Room name"
            value={roomText}
            onInput={(e) => {
              setRoomText(e.currentTarget.value);
              setPages(1);
            }}
          />
          {filters.map(([htmlId, label, value, set, options]) => (
            <label>
              {label}{" "}
              <select
                id={htmlId}
                value={value}
                onChange={(e) => {
                  set(e.currentTarget.value);
                  setPages(1);
                }}
              >
                {options.map((o) => (
                  <option value={o}>{o || "all"}</option>
                ))}
              </select>
            </label>
          ))}
        </div>
      </header>
      <ProblemBox error={actionError} />
      {flash && (
        <div class="flash" role="status" id="flash">
          {flash}
        </div>
      )}
      {id && <RecordingDetail id={id} ask={setDialog} onDone={onDone} onError={onError} />}
      <ProblemBox error={list.error} />
      {list.loading && <Loading what="recordings" />}
      {list.data &&
        (list.data.items.length === 0 ? (
          <Empty>
            No recordings{room.trim() ? ` in ${room.trim()}` : ""}
            {stateFilter ? ` ${stateFilter}` : ""}. Start one from a room's page.
          </Empty>
        ) : (
          <>
            <table class="table" id="recordings">
              <thead>
                <tr>
                  <th>Recording</th>
                  <th>Room</th>
                  <th>State</th>
                  <th>Started</th>
                  <th class="num">Duration</th>
                  <th class="num">Size</th>
                  <th>Files (sha256)</th>
                  <th />
                </tr>
              </thead>
              <RecordingRows items={list.data.items} ask={setDialog} onDone={onDone} onError={onError} selected={id} />
            </table>
            {list.data.more && (
              <button type="button" onClick={() => setPages(pages + 1)}>
                Load more
              </button>
            )}
          </>
        ))}
      {dialog && (
        <AskDialog action={dialog} onCancel={() => setDialog(null)} onDone={onDone} />
      )}
    </section>
  );
}

const START_TEXT = {
  room_audio: "Every audio track, mixed into one Ogg/Opus file, silence where nobody speaks.",
  tracks: "One file per track: audio to Ogg/Opus, video to WebM.",
};

/** The room view's panel: the room's latest recordings, Start (room audio or tracks), Stop. */
export function RoomRecordings({ room, open, me }) {
  const [dialog, setDialog] = useState(null);
  const [flash, setFlash] = useState(null);
  const [actionError, setActionError] = useState(null);
  const list = usePoll(() => get("/v1/recordings", { room, limit: 10 }), [room], REFRESH_MS);
  function onDone(message) {
    setDialog(null);
    setActionError(null);
    setFlash(message);
    list.reload();
  }
  function onError(detail) {
    setFlash(null);
    setActionError(detail);
  }
  const start = (kind) =>
    setDialog({
      title: `Record ${kindLabel[kind]} of ${room}?`,
      body: `${START_TEXT[kind]} Every participant is told: a notice on the room-messages channel and the recorder's roomsvc.recording attribute.`,
      label: "Start recording",
      run: async () => {
        const recording = await post(`/v1/rooms/${enc(room)}/recordings`, { kind, actor: me?.operator ?? undefined });
        return `started ${recording.id} (${kindLabel[kind]})`;
      },
    });
  return (
    <div class="card wide" id="room-recordings">
      <div class="view-header">
        <h3>Recordings</h3>
        <div class="filters">
          <a href={`#/recordings?room=${enc(room)}`}>All of this room's recordings</a>
          {open && (
            <>
              <button type="button" class="small" data-start="room_audio" onClick={() => start("room_audio")}>
                ● Record room audio
              </button>
              <button type="button" class="small" data-start="tracks" onClick={() => start("tracks")}>
                ● Record tracks
              </button>
            </>
          )}
        </div>
      </div>
      <ProblemBox error={actionError} />
      {flash && (
        <div class="flash" role="status" data-recording-flash>
          {flash}
        </div>
      )}
      <ProblemBox error={list.error} />
      {list.loading && <Loading what="recordings" />}
      {list.data &&
        (list.data.items.length === 0 ? (
          <Empty>Not recorded yet.</Empty>
        ) : (
          <table class="table compact">
            <thead>
              <tr>
                <th>Recording</th>
                <th>State</th>
                <th>Started</th>
                <th class="num">Duration</th>
                <th class="num">Size</th>
                <th>Files (sha256)</th>
                <th />
              </tr>
            </thead>
            <RecordingRows
              items={list.data.items}
              showRoom={false}
              ask={setDialog}
              onDone={onDone}
              onError={onError}
            />
          </table>
        ))}
      {dialog && <AskDialog action={dialog} onCancel={() => setDialog(null)} onDone={onDone} />}
    </div>
  );
}
