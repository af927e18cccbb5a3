// Detection: per participant track of a room, the score over time (GET /v1/rooms/{room}/detections) with
// the model's thresholds drawn and the alert windows marked, the room's summary and detector status; and
// the models in the registry with their thresholds and the validated rates their card declares.
import { useMemo, useState } from "preact/hooks";
import { enc, get } from "../api.js";
import { Chart, scoreChart } from "../charts.jsx";
import { Badge, Empty, Loading, ProblemBox, detailOf, usePoll, when } from "../ui.jsx";

const pct = (x) => `${(x * 100).toFixed(1)}%`;

/** The rates the model's card declares as validated on held-out data (GET /v1/detection/models
 * `validation`), as lines of text; null when it declares none. */
function validatedRates(model) {
  const v = model.validation;
  if (!v) return null;
  const rate = (x) => (x == null ? "—" : pct(x));
  const lines = [];
  if (v.eer != null) lines.push(`EER ${rate(v.eer)}`);
  if (v.false_alarm_rate_at_alert != null || v.detection_rate_at_alert != null) {
    lines.push(`at alert: ${rate(v.detection_rate_at_alert)} detected, ${rate(v.false_alarm_rate_at_alert)} false alarms`);
  }
  if (v.false_alarm_rate_at_suspicious != null || v.detection_rate_at_suspicious != null) {
    lines.push(
      `at suspicious: ${rate(v.detection_rate_at_suspicious)} detected, ${rate(v.false_alarm_rate_at_suspicious)} false alarms`,
    );
  }
  if (v.genuine_windows != null) lines.push(`on ${v.genuine_windows} genuine / ${v.synthetic_windows ?? "?"} synthetic windows`);
  return lines.length ? lines : null;
}

function Models() {
  const models = usePoll(() => get("/v1/detection/models"), [], 0);
  return (
    <div class="card wide">
      <h3>Models in the registry</h3>
      <ProblemBox error={models.error} />
      {models.loading && <Loading what="models" />}
      {models.data &&
        (models.data.items.length === 0 ? (
          <Empty>No models registered.</Empty>
        ) : (
          <table class="table" id="models">
            <thead>
              <tr>
                <th>Model</th>
                <th>Kind</th>
                <th>State</th>
                <th class="num">Suspicious ≥</th>
                <th class="num">Alert ≥</th>
                <th>Validated rates</th>
                <th>Registered</th>
              </tr>
            </thead>
            <tbody>
              {models.data.items.map((m) => {
                const rates = validatedRates(m);
                return (
                  <tr data-model={`${m.name}@${m.version}`}>
                    <td>
                      <strong>
                        {m.name}@{m.version}
                      </strong>
                      <div class="muted small ellipsis" title={m.description}>
                        {m.builtin ? "shipped with roomsvc · " : ""}
                        {m.sha256.slice(0, 12)}
                      </div>
                    </td>
                    <td>{m.kind}</td>
                    <td>{m.active ? <Badge value="active" /> : <Badge value="inactive" />}</td>
                    <td class="num">{m.thresholds.suspicious}</td>
                    <td class="num">{m.thresholds.alert}</td>
                    <td class="small" data-validation title={m.validation?.note ?? ""}>
                      {rates ? rates.map((r) => <div>{r}</div>) : <span class="muted">not validated</span>}
                    </td>
                    <td>
                      {when(m.created_at)} by {m.created_by}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))}
    </div>
  );
}

function RoomPicker() {
  const rooms = usePoll(() => get("/v1/rooms", { limit: 50 }), [], 0);
  const [name, setName] = useState("");
  return (
    <div class="card wide">
      <h3>Scores of a room</h3>
      <ProblemBox error={rooms.error} />
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) location.hash = `#/detection/${enc(name.trim())}`;
        }}
      >
        <input list="detection-rooms" id="detection-room" placeholder="Room name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <datalist id="detection-rooms">
          {(rooms.data?.items ?? []).map((r) => (
            <option value={r.name} />
          ))}
        </datalist>
        <button type="submit" class="primary">
          Show
        </button>
      </form>
    </div>
  );
}

async function loadRoomDetection(room) {
  const base = `/v1/rooms/${enc(room)}`;
  const [summary, status, models] = await Promise.all([
    get(`${base}/detection/summary`, { limit: 50 }),
    get(`${base}/detection`).catch((error) => ({ error: detailOf(error) })),
    get("/v1/detection/models"),
  ]);
  const byId = Object.fromEntries(models.items.map((m) => [m.id, m]));
  const series = [];
  for (const participant of summary.participants) {
    const windows = [];
    let cursor;
    do {
      const page = await get(`${base}/detections`, { identity: participant.identity, limit: 100, cursor });
      windows.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor && windows.length < 1000);
    windows.reverse(); // the API lists newest first
    const tracks = {};
    for (const w of windows) (tracks[w.track_sid] ??= []).push(w);
    for (const [trackSid, list] of Object.entries(tracks)) {
      const model = byId[list[list.length - 1].model.id];
      series.push({ participant, trackSid, kind: list[0].kind, windows: list, model });
    }
  }
  return { summary, status, series };
}

function ScorePanel({ item, room }) {
  const chart = useMemo(() => {
    const thresholds = item.model?.thresholds ?? { suspicious: 0.5, alert: 0.8 };
    return scoreChart(item.windows, thresholds, `detection-${room}`);
  }, [item]);
  const alerts = item.windows.filter((w) => w.state === "alert").length;
  const { participant } = item;
  return (
    <div class="card wide" data-score={participant.identity}>
      <h3>
        {participant.identity} · {item.kind} <Badge value={participant.state} />{" "}
        <span class="muted small">
          track {item.trackSid} · model {item.model ? `${item.model.name}@${item.model.version}` : "unknown"} ·{" "}
          {item.windows.length} windows · max {Math.max(...item.windows.map((w) => w.score)).toFixed(2)} · {alerts} alert
          window{alerts === 1 ? "" : "s"}
        </span>
      </h3>
      <Chart {...chart} height={240} id={`score-${participant.identity}-${item.trackSid}`} />
    </div>
  );
}

function RoomDetection({ room }) {
  const state = usePoll(() => loadRoomDetection(room), [room], 5000);
  const data = state.data;
  return (
    <>
      <ProblemBox error={state.error} />
      {state.loading && <Loading what="detection results" />}
      {data && (
        <>
          <div class="card wide">
            <h3>Detector in {room}</h3>
            {data.status.error ? (
              <ProblemBox error={data.status.error} />
            ) : (
              <p id="detector-status">
                {data.status.enabled ? "enabled" : "disabled"} · policy <strong>{data.status.policy}</strong> · status{" "}
                <Badge value={data.status.status} /> · audio model{" "}
                {data.status.models?.audio ? `${data.status.models.audio.name}@${data.status.models.audio.version}` : "—"} · last
                heartbeat {when(data.status.last_heartbeat_at)}
              </p>
            )}
            {data.summary.participants.length === 0 ? (
              <Empty>No scored windows in this room yet.</Empty>
            ) : (
              <table class="table" id="detection-summary">
                <thead>
                  <tr>
                    <th>Participant</th>
                    <th>State</th>
                    <th class="num">Windows</th>
                    <th class="num">Max score</th>
                    <th class="num">Alerts</th>
                  </tr>
                </thead>
                <tbody>
                  {data.summary.participants.map((p) => (
                    <tr>
                      <td>{p.identity}</td>
                      <td>
                        <Badge value={p.state} />
                      </td>
                      <td class="num">{p.windows}</td>
                      <td class="num">{p.max_score.toFixed(2)}</td>
                      <td class="num">{p.alerts}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          {data.series.map((item) => (
            <ScorePanel item={item} room={room} />
          ))}
        </>
      )}
    </>
  );
}

export function DetectionView({ room }) {
  return (
    <section>
      <header class="view-header">
        <h2>
          {room ? (
            <>
              <a href="#/detection" class="crumb">
                Detection
              </a>{" "}
              / <a href={`#/rooms/${enc(room)}`}>{room}</a>
            </>
          ) : (
            "Detection"
          )}
        </h2>
      </header>
      {room ? <RoomDetection room={room} /> : <RoomPicker />}
      <Models />
    </section>
  );
}
