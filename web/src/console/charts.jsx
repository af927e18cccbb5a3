// The console's charts, all uPlot: the participants-over-time step line and the session bars of a call
// (bars drawn in uPlot's `draw` hook on its own scales), and a detection score line with thresholds.
// Times are seconds since the epoch (uPlot's time scale), shown as time of day in the browser's zone.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { clockText, dateTimeText, sameDay } from "./time.js";

const AXIS = { stroke: "#3b4252", grid: { stroke: "#e5e9f0", width: 1 }, ticks: { stroke: "#d8dee9", width: 1 } };
const COLORS = {
  session: "#5e81ac",
  audio: "#a3be8c",
  video: "#d08770",
  other: "#b48ead",
  score: "#88c0d0",
  smoothed: "#2e3440",
  suspicious: "#ebcb8b",
  alert: "#bf616a",
};

// Tick steps in whole seconds, minutes and hours only: uPlot's default time steps go below a second,
// and sub-second ticks printed to the second read the same ("17:16:02" twice).
const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
const spansDays = (min, max) => !sameDay(new Date(min * 1000), new Date(max * 1000));

/** The x axis of every chart: time of day, 24 h, with seconds (and the date when the range spans days,
 * with room for the longer labels). */
const TIME_AXIS = {
  ...AXIS,
  label: "time of day (hh:mm:ss)",
  labelSize: 20,
  incrs: TIME_INCRS,
  space: (u, axis, min, max) => (spansDays(min, max) ? 130 : 70),
  values: (u, splits) => {
    const text = splits.length && spansDays(splits[0], splits[splits.length - 1]) ? dateTimeText : clockText;
    return splits.map((v) => text(new Date(v * 1000)));
  },
};

export const seconds = (value) => (value ? new Date(value).getTime() / 1000 : null);

/** A uPlot chart in a div, rebuilt when `data` changes and resized with its container. */
export function Chart({ options, data, id, height = 240 }) {
  const box = useRef(null);
  useEffect(() => {
    const element = box.current;
    const width = Math.max(320, element.clientWidth || 800);
    const chart = new uPlot({ ...options, width, height }, data, element);
    const observer = new ResizeObserver(() => {
      const next = Math.max(320, element.clientWidth);
      if (Math.abs(next - chart.width) > 2) chart.setSize({ width: next, height });
    });
    observer.observe(element);
    // uPlot draws axes on the canvas; the e2e test reads their labels and ticks from here.
    const registry = (window.roomsvcCharts ??= {});
    if (id) registry[id] = chart;
    return () => {
      observer.disconnect();
      if (id && registry[id] === chart) delete registry[id];
      chart.destroy();
    };
  }, [data, options]);
  return <div class="chart" ref={box} id={id} />;
}

/** Participants connected over time, a step per join or leave, from the call's participant sessions. */
export function participantsOverTime(call, sessions, now = Date.now() / 1000) {
  const start = seconds(call.started_at) ?? Math.min(...sessions.map((s) => seconds(s.joined_at)).filter(Boolean));
  const end = seconds(call.ended_at) ?? now;
  const changes = [];
  for (const s of sessions) {
    const joined = seconds(s.joined_at);
    if (joined === null) continue;
    changes.push([joined, 1]);
    const left = seconds(s.left_at);
    if (left !== null) changes.push([left, -1]);
  }
  changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const xs = [start];
  const ys = [0];
  let count = 0;
  for (const [at, delta] of changes) {
    count += delta;
    if (at === xs[xs.length - 1]) ys[ys.length - 1] = count;
    else {
      xs.push(at);
      ys.push(count);
    }
  }
  if (end > xs[xs.length - 1]) {
    xs.push(end);
    ys.push(count);
  }
  return { xs, ys, start, end };
}

export function participantsChart({ xs, ys }, sync) {
  const top = Math.max(1, ...ys);
  return {
    options: {
      title: "Participants connected",
      cursor: { sync: { key: sync } },
      scales: { x: { time: true }, y: { range: [0, top + 1] } },
      axes: [
        TIME_AXIS,
        { ...AXIS, label: "participants (count)", labelSize: 20, incrs: [1, 2, 5, 10, 20, 50, 100] },
      ],
      series: [
        { label: "time" },
        {
          label: "participants",
          stroke: COLORS.session,
          width: 2,
          fill: "rgba(94,129,172,0.12)",
          paths: uPlot.paths.stepped({ align: 1 }),
          value: (u, v) => (v == null ? "—" : `${v}`),
        },
      ],
    },
    data: [xs, ys],
  };
}

/** Each participant session as a bar from join to leave, its tracks as thinner bars inside it. */
export function sessionsChart(call, sessions, tracks, { start, end }, sync) {
  const rows = [...sessions].sort((a, b) => (seconds(a.joined_at) ?? 0) - (seconds(b.joined_at) ?? 0));
  const n = Math.max(rows.length, 1);
  const tracksOf = {};
  for (const t of tracks) (tracksOf[t.participant_sid] ??= []).push(t);
  // Row i is drawn at y = n - 1 - i so the first to join is at the top.
  const rowY = (i) => n - 1 - i;
  function draw(u) {
    const { ctx } = u;
    const band = Math.abs(u.valToPos(0, "y", true) - u.valToPos(1, "y", true));
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    rows.forEach((s, i) => {
      const from = seconds(s.joined_at) ?? start;
      const to = seconds(s.left_at) ?? end;
      const x0 = u.valToPos(from, "x", true);
      const x1 = Math.max(u.valToPos(to, "x", true), x0 + 2);
      const y = u.valToPos(rowY(i), "y", true);
      const height = band * 0.62;
      ctx.fillStyle = COLORS.session;
      ctx.globalAlpha = 0.35;
      ctx.fillRect(x0, y - height / 2, x1 - x0, height);
      ctx.globalAlpha = 1;
      const own = tracksOf[s.sid] ?? [];
      // Tracks: thinner bars, one lane each, centred in the session's bar (clamped to the session).
      const lane = own.length ? Math.min(height / own.length, band * 0.22) : 0;
      const top = y - (lane * own.length) / 2;
      own.forEach((t, k) => {
        const t0 = Math.max(u.valToPos(seconds(t.published_at) ?? from, "x", true), x0);
        const t1 = Math.max(Math.min(u.valToPos(seconds(t.unpublished_at) ?? to, "x", true), x1), t0 + 2);
        ctx.fillStyle = COLORS[t.kind] ?? COLORS.other;
        ctx.fillRect(t0, top + k * lane + lane * 0.15, t1 - t0, lane * 0.7);
      });
    });
    ctx.restore();
  }
  const label = (s) => (s.identity.length > 16 ? `${s.identity.slice(0, 15)}…` : s.identity);
  return {
    options: {
      title: "Participant sessions and their tracks",
      cursor: { sync: { key: sync }, y: false },
      legend: { show: false },
      scales: { x: { time: true, range: [start, end] }, y: { range: [-0.5, n - 0.5] } },
      axes: [
        TIME_AXIS,
        {
          ...AXIS,
          label: "participant",
          labelSize: 20,
          size: 110,
          splits: () => rows.map((_, i) => rowY(i)),
          values: (u, splits) => splits.map((y) => (rows[n - 1 - y] ? label(rows[n - 1 - y]) : "")),
        },
      ],
      series: [{ label: "time" }, { label: "sessions", show: false }],
      hooks: { draw: [draw] },
    },
    data: [
      [start, end],
      [null, null],
    ],
  };
}

export function SessionsLegend() {
  return (
    <div class="chart-legend">
      <span>
        <i style={`background:${COLORS.session};opacity:.45`} /> session (join → leave)
      </span>
      <span>
        <i style={`background:${COLORS.audio}`} /> audio track
      </span>
      <span>
        <i style={`background:${COLORS.video}`} /> video track
      </span>
    </div>
  );
}

/** Score over time of one track's windows (oldest first) with the model's thresholds and the alerts. */
export function scoreChart(windows, thresholds, sync) {
  const xs = windows.map((w) => seconds(w.window_end));
  const constant = (value) => xs.map(() => value);
  return {
    options: {
      cursor: { sync: { key: sync } },
      scales: { x: { time: true }, y: { range: [0, 1] } },
      axes: [
        { ...TIME_AXIS, label: "time of day (window end, hh:mm:ss)" },
        { ...AXIS, label: "score (0-1)", labelSize: 20, values: (u, v) => v.map((x) => x.toFixed(1)) },
      ],
      series: [
        { label: "time" },
        { label: "score", stroke: COLORS.score, width: 1, points: { show: false } },
        { label: "smoothed", stroke: COLORS.smoothed, width: 2 },
        { label: `suspicious ≥ ${thresholds.suspicious}`, stroke: COLORS.suspicious, width: 2, dash: [6, 4], points: { show: false } },
        { label: `alert ≥ ${thresholds.alert}`, stroke: COLORS.alert, width: 2, dash: [6, 4], points: { show: false } },
        {
          label: "alert window",
          stroke: COLORS.alert,
          width: 0,
          paths: () => null,
          points: { show: true, size: 9, fill: COLORS.alert, stroke: COLORS.alert },
        },
      ],
    },
    data: [
      xs,
      windows.map((w) => w.score),
      windows.map((w) => w.smoothed_score),
      constant(thresholds.suspicious),
      constant(thresholds.alert),
      windows.map((w) => (w.state === "alert" ? w.smoothed_score : null)),
    ],
  };
}
