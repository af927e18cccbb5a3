// The operator console (/console) in headless Chromium, driven like an operator would:
//   1. bad tokens (expired, garbage) are refused on the sign-in page with the API's problem detail;
//   2. sign in with a real console token; the rooms view lists the room with its connected participants;
//   3. the room view shows the participant's microphone track; mute it from the UI (confirm dialog);
//      prints {"stage":"muted"} so the test can check with its own rtc client that the track is gone;
//      the track leaves the row and the audit log shows the mute with the operator as actor;
//   4. the room's call opens as a timeline (two uPlot charts with labelled axes);
//   5. the events view streams (SSE over fetch) and lists the mute; the detection view charts scores.
// With --scenario recordings instead: start a room_audio recording from the room view, stop it, find it
// ready in the Recordings view and play it (see recordings() below).
// Saves a 1280×800 screenshot of each view in --shots. Every wait is for a condition, with a timeout.
//
//   node e2e/console.mjs --base-url http://127.0.0.1:8000 --token "$(roomsvc console-token --operator alice)" \
//     --operator alice --room r1 --identity speaker --detection-room r1-det --shots ../artifacts
//   node e2e/console.mjs --scenario recordings --token … --room r2 --shots ../artifacts
//
// Drives Debian's chromium (CHROMIUM, default /usr/bin/chromium) with playwright-core; never downloads a
// browser. Prints one JSON line per stage and a final {"ok": …, …}; exit 0 if ok.
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opts } = parseArgs({
  options: {
    "base-url": { type: "string", default: "http://127.0.0.1:8000" },
    scenario: { type: "string", default: "moderation" },
    token: { type: "string" },
    "expired-token": { type: "string" },
    operator: { type: "string" },
    room: { type: "string" },
    identity: { type: "string" },
    "detection-room": { type: "string" },
    // An event subscription whose endpoint refuses: its failure is listed and redelivered from the UI.
    subscription: { type: "string" },
    shots: { type: "string", default: "." },
    timeout: { type: "string", default: "30000" },
  },
});
const timeout = Number(opts.timeout);
const base = opts["base-url"];
const shot = (name) => path.join(opts.shots, `console-${name}.png`);
const say = (line) => console.log(JSON.stringify(line));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  timeout,
});

const logs = [];
const result = { ok: false, screenshots: [] };
let page;

async function capture(name) {
  await page.mouse.move(1279, 799); // no hover highlight left where the last click was
  await page.waitForTimeout(300); // let the last paint (chart canvases, fonts) land before the capture
  await page.screenshot({ path: shot(name) });
  result.screenshots.push(shot(name));
}

async function signInProblem(token) {
  await page.fill("#token", token);
  await page.click("#signin");
  const problem = page.locator(".signin .problem");
  await problem.waitFor({ timeout });
  return (await problem.textContent()).trim();
}

/** The moderation scenario (the default): steps 1-5 above. */
async function moderation() {
  // 1. Refused tokens.
  await page.goto(`${base}/console`, { timeout });
  result.signin = {};
  if (opts["expired-token"]) result.signin.expired = await signInProblem(opts["expired-token"]);
  result.signin.garbage = await signInProblem("not-a-jwt.garbage.token");
  result.signin.stored = await page.evaluate(() => Object.keys(sessionStorage));
  await capture("signin-error");

  // 2. Sign in; the rooms view lists our room with its participants connected.
  await page.fill("#token", opts.token);
  await page.click("#signin");
  await page.waitForSelector("[data-me=operator]", { timeout });
  result.me = {
    operator: await page.textContent("[data-me=operator]"),
    project: await page.textContent("[data-me=project]"),
    expires: await page.textContent("[data-me=expires]"),
  };
  const roomRow = `#rooms tr[data-room="${opts.room}"]`;
  await page.waitForFunction((sel) => Number(document.querySelector(`${sel} td[data-live]`)?.textContent) >= 2, roomRow, {
    timeout,
    polling: 250,
  });
  await page.fill("#room-search", opts.room);
  result.rooms = await page.$$eval("#rooms tbody tr", (rows) =>
    rows.map((r) => ({ room: r.dataset.room, live: r.querySelector("td[data-live]").textContent })),
  );
  await capture("rooms");

  // 3. The room: the participant with its microphone; mute it from the UI.
  await page.click(`${roomRow} a`);
  const row = `#participants tr[data-participant="${opts.identity}"]`;
  await page.waitForSelector(`${row} [data-track=microphone]`, { timeout });
  result.before = await page.$eval(row, (r) => ({
    role: r.querySelector("[data-role]").textContent,
    connection: r.querySelector("[data-connection]").textContent,
    tracks: [...r.querySelectorAll("[data-track]")].map((t) => t.dataset.track),
  }));
  await page.click(`${row} button[data-action=mute]`);
  await page.waitForSelector(".modal", { timeout });
  await page.fill("#mute-reason", "console e2e");
  await page.click(".modal button[data-confirm]");
  await page.waitForSelector("#flash", { timeout });
  result.flash = await page.textContent("#flash");
  say({ stage: "muted" });
  await page.waitForFunction((sel) => document.querySelector(sel) && !document.querySelector(`${sel} [data-track=microphone]`), row, {
    timeout,
    polling: 250,
  });
  await page.waitForSelector(`#audit tr[data-audit=mute]`, { timeout });
  await page.waitForSelector(`${row} button[data-action=unmute]`, { timeout });
  result.after = await page.$eval(row, (r) => ({
    tracks: [...r.querySelectorAll("[data-track]")].map((t) => t.dataset.track),
    muted: r.querySelector("[data-muted]")?.textContent ?? null,
  }));
  result.audit = await page.$$eval("#audit tbody tr", (rows) =>
    rows.map((r) => ({ action: r.dataset.audit, actor: r.querySelector("[data-actor]").textContent, text: r.textContent })),
  );
  result.mutes = await page.$$eval("#mutes tbody tr", (rows) => rows.map((r) => r.textContent));
  await capture("room");

  // 4. The room's call, as a timeline.
  await page.waitForSelector("#room-calls tr[data-call] a", { timeout });
  await page.click("#room-calls tr[data-call] a");
  await page.waitForSelector("#chart-participants canvas", { timeout });
  await page.waitForSelector("#chart-sessions canvas", { timeout });
  // uPlot draws axes on its canvas: their labels and tick texts come from the chart objects.
  const axesOf = (u) => ({ axisLabels: u.axes.map((a) => a.label ?? ""), ticks: u.axes.map((a) => (a._values ?? []).join(" ")) });
  result.timeline = await page.evaluate((axesSource) => {
    const axesOf = new Function(`return ${axesSource}`)();
    const chart = (id) => {
      const root = document.getElementById(id);
      const canvas = root.querySelector("canvas");
      return {
        canvas: { width: canvas.width, height: canvas.height },
        title: root.querySelector(".u-title")?.textContent ?? null,
        ...axesOf(window.roomsvcCharts[id]),
      };
    };
    return {
      participants: chart("chart-participants"),
      sessions: chart("chart-sessions"),
      rows: [...document.querySelectorAll("#sessions tr[data-session]")].map((r) => r.dataset.session),
    };
  }, axesOf.toString());
  await capture("call");

  // 5. Events (live) and detection.
  await page.click("[data-nav=events]");
  await page.waitForSelector("#stream-state[data-live=true]", { timeout });
  await page.waitForSelector("#events tr[data-event='participant.muted']", { timeout });
  result.events = await page.$$eval("#events tbody tr", (rows) => rows.map((r) => r.dataset.event));
  if (opts.subscription) {
    const card = `[data-subscription="${opts.subscription}"]`;
    await page.waitForSelector(`${card} button[data-redeliver]`, { timeout });
    result.subscription = { failures: await page.$$eval(`${card} tbody tr`, (rows) => rows.map((r) => r.textContent)) };
    await page.click(`${card} button[data-redeliver]`);
    await page.waitForSelector("#redelivered", { timeout });
    result.subscription.redelivered = await page.textContent("#redelivered");
  }
  await capture("events");

  if (opts["detection-room"]) {
    await page.goto(`${base}/console#/detection/${encodeURIComponent(opts["detection-room"])}`, { timeout });
    await page.waitForSelector("[data-score] .chart canvas", { timeout });
    await page.waitForSelector("#models tr[data-model]", { timeout });
    result.detection = await page.evaluate((axesSource) => ({
      charts: [...document.querySelectorAll("[data-score]")].map((c) => ({
        identity: c.dataset.score,
        ...new Function(`return ${axesSource}`)()(window.roomsvcCharts[c.querySelector(".chart").id]),
        legend: [...c.querySelectorAll(".u-legend .u-label")].map((l) => l.textContent),
      })),
      models: [...document.querySelectorAll("#models tr[data-model]")].map((r) => ({
        model: r.dataset.model,
        validation: r.querySelector("[data-validation]").textContent,
      })),
    }), axesOf.toString());
    await capture("detection");
  }
}

/**
 * The recordings scenario (--scenario recordings): sign in, start a room_audio recording from the room
 * view (a second start is refused with the API's 409 detail), stop it once the recorder has written
 * audio, find it `ready` in the Recordings view, play it (the <audio> element loads the file's metadata
 * from a Blob fetched with the token), then delete it, which unmounts the player and revokes its URL.
 */
async function recordings() {
  await page.goto(`${base}/console`, { timeout });
  await page.fill("#token", opts.token);
  await page.click("#signin");
  await page.waitForSelector("[data-me=operator]", { timeout });
  await page.evaluate((room) => (location.hash = `#/rooms/${encodeURIComponent(room)}`), opts.room);

  // Start: confirm dialog, then the panel lists the recording until the recorder reports it running.
  const panel = "#room-recordings";
  await page.click(`${panel} button[data-start=room_audio]`);
  await page.waitForSelector(".modal", { timeout });
  result.startDialog = await page.textContent(".modal");
  await page.click(".modal button[data-confirm]");
  await page.waitForSelector(`${panel} [data-recording-flash]`, { timeout });
  result.started = (await page.textContent(`${panel} [data-recording-flash]`)).trim();
  const id = result.started.match(/\brec_[A-Za-z0-9_-]+/)?.[0];
  if (!id) throw new Error(`no recording id in "${result.started}"`);
  result.recording = id;
  say({ stage: "started", recording: id });
  const row = `${panel} tr[data-recording="${id}"]`;
  await page.waitForSelector(`${row}[data-state=recording]`, { timeout });

  // A second start while it runs: the dialog shows the API's 409 detail and stays open.
  await page.click(`${panel} button[data-start=room_audio]`);
  await page.click(".modal button[data-confirm]");
  await page.waitForSelector(".modal .problem", { timeout });
  result.conflict = (await page.textContent(".modal .problem")).trim();
  await page.click(".modal button:not([data-confirm])");
  await page.waitForSelector(".modal", { state: "detached", timeout });

  // Some audio written (the recorder's heartbeats report the bytes), a few seconds of it, then Stop.
  await page.waitForFunction((sel) => Number(document.querySelector(`${sel} td[data-size]`)?.dataset.size) > 0, row, {
    timeout,
    polling: 250,
  });
  await page.waitForTimeout(3000);
  await page.click(`${row} button[data-action=stop]`);
  await page.waitForSelector(`${row}:is([data-state=ready],[data-state=partial],[data-state=failed])`, { timeout });
  result.panelState = await page.$eval(row, (r) => r.dataset.state);

  // The Recordings view: filter by room, the row is ready with its duration, size and file.
  await page.click("[data-nav=recordings]");
  const listed = `#recordings tr[data-recording="${id}"]`;
  await page.waitForSelector(listed, { timeout });
  await page.fill("#rec-room", `${opts.room}-other`); // the filter reaches the API: nothing listed
  await page.waitForSelector(listed, { state: "detached", timeout });
  result.otherRoom = (await page.textContent("section .empty")).trim();
  await page.fill("#rec-room", opts.room);
  await page.waitForSelector(listed, { timeout });
  result.list = await page.$eval(listed, (r) => ({
    state: r.dataset.state,
    duration: r.querySelector("[data-duration]").textContent,
    size: r.querySelector("[data-size]").textContent,
    files: [...r.querySelectorAll("[data-file-chip]")].map((c) => c.textContent),
  }));
  result.rooms = await page.$$eval("#recordings tbody tr", (rows) => rows.map((r) => r.dataset.recording));

  // Playback: the player's element loads the file's metadata (a finite duration) from its object URL.
  await page.click(`${listed} a[href^="#/recordings/"]`);
  const player = "#recording audio[data-player]";
  await page.waitForSelector(player, { timeout });
  await page.waitForFunction(
    (sel) => {
      const audio = document.querySelector(sel);
      return audio && audio.readyState >= 1 && Number.isFinite(audio.duration) && audio.duration > 0;
    },
    player,
    { timeout, polling: 250 },
  );
  await page.waitForSelector("#recording [data-verified]", { timeout });
  result.playback = await page.$eval(player, (audio) => ({
    duration: audio.duration,
    readyState: audio.readyState,
    error: audio.error?.message ?? null,
    src: audio.currentSrc,
    verified: document.querySelector("#recording [data-verified]").dataset.verified,
    sha: document.querySelector("#recording [data-sha]").textContent,
    file: audio.dataset.player,
  }));
  await capture("recordings");

  // Delete (confirm): back to the list without it; the player's object URL is revoked.
  await page.click("#recording button[data-action=delete]");
  await page.waitForSelector(".modal", { timeout });
  await page.click(".modal button[data-confirm]");
  await page.waitForFunction(() => location.hash === "#/recordings", null, { timeout, polling: 250 });
  await page.waitForSelector(listed, { state: "detached", timeout });
  result.deleted = (await page.textContent("#flash")).trim();
  result.revoked = await page.evaluate(
    (src) => fetch(src).then(() => false, () => true),
    result.playback.src,
  );
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on("console", (m) => {
    // Chromium logs every non-2xx response as "Failed to load resource"; those are the refusals this
    // test provokes on purpose. Anything else logged as an error is a bug in the page.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) logs.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));

  if (opts.scenario === "recordings") await recordings();
  else await moderation();
  result.ok = true;
} catch (error) {
  result.error = String(error?.message ?? error);
  if (page) {
    result.url = page.url();
    result.problems = await page.$$eval(".problem", (all) => all.map((p) => p.textContent)).catch(() => []);
    await page.screenshot({ path: shot("failure") }).catch(() => {});
  }
} finally {
  result.console = logs.slice(-30);
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
