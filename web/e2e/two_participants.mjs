// Two browser participants join one room through the demo page and must each see the other's video
// (a <video> with real frames: videoWidth > 0) and receive the other's audio track.
//
//   node e2e/two_participants.mjs --base-url http://127.0.0.1:8000 --room demo-x --screenshot ../artifacts/demo.png
//
// Drives Debian's chromium (CHROMIUM, default /usr/bin/chromium) with playwright-core; never downloads a
// browser. Fake camera and microphone (--use-fake-device-for-media-stream), permission prompts
// auto-accepted (--use-fake-ui-for-media-stream). Playwright starts the browser with a fresh temporary
// profile (--user-data-dir) and deletes it afterwards. Every wait is for a condition, with a timeout.
// Prints one JSON line: {"ok": true|false, "error": ..., "pages": [state of each page]}; exit 0 if ok.
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opts } = parseArgs({
  options: {
    "base-url": { type: "string", default: "http://127.0.0.1:8000" },
    room: { type: "string", default: `e2e-${Date.now().toString(36)}` },
    identities: { type: "string", default: "alice,bob" },
    // owner and admin publish in any room; a member or the audience only from a stage seat.
    roles: { type: "string", default: "owner,admin" },
    screenshot: { type: "string" },
    timeout: { type: "string", default: "45000" },
    // After everyone sees everyone, print {"stage":"connected"} and wait for the first page to show a
    // detection alert (the test sends one through LiveKit's server API on topic roomsvc.detection).
    "expect-alert": { type: "boolean", default: false },
    // Also wait for the first page to have ignored a forged alert (one a participant published on the
    // detection topic: it has a sender, so the page must not show it).
    "expect-forged": { type: "boolean", default: false },
  },
});
const timeout = Number(opts.timeout);
const identities = opts.identities.split(",");
const roles = opts.roles.split(",");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // ICE on loopback: livekit.yaml advertises 127.0.0.1 only. Chromium gathers no loopback candidates by
  // default and then depends on a peer-reflexive pair over another interface; this makes it deterministic.
  "--allow-loopback-in-peer-connection",
  // Two pages share the machine: keep background tabs' timers and media running at full rate.
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
  "--autoplay-policy=no-user-gesture-required",
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: FLAGS,
  timeout,
});

const pages = [];
const logs = [];
let result = { ok: false, room: opts.room, pages: [] };
try {
  for (const [i, identity] of identities.entries()) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (["error", "warning"].includes(m.type())) logs.push(`${identity}: ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => logs.push(`${identity}: pageerror: ${e.message}`));
    await page.goto(`${opts["base-url"]}/demo`, { timeout });
    await page.fill("#room", opts.room);
    await page.fill("#identity", identity);
    await page.selectOption("#role", roles[i] ?? "");
    await page.click("#join");
    await page.waitForFunction(() => document.querySelector("#status")?.dataset.state !== "joining", null, {
      timeout,
    });
    const status = await page.textContent("#status");
    if ((await page.getAttribute("#status", "data-state")) === "error") throw new Error(`${identity}: ${status}`);
    pages.push({ identity, page });
  }

  // Each page: the other's video plays with real frames, its audio track is subscribed, and the
  // participants table (from the API) lists both with their roles.
  for (const { identity, page } of pages) {
    const others = identities.filter((x) => x !== identity);
    await page.waitForFunction(
      (others) => {
        const s = window.roomsvcDemo?.state();
        if (!s || s.connection !== "connected") return false;
        const seesVideo = (who) => s.videos.some((v) => !v.local && v.identity === who && v.width > 0);
        const hearsAudio = (who) => s.remoteTracks.some((t) => t.identity === who && t.kind === "audio");
        const listed = (who) => s.participantRows.some((r) => r.identity === who && r.role !== "—");
        return others.every((who) => seesVideo(who) && hearsAudio(who) && listed(who));
      },
      others,
      { timeout, polling: 250 },
    );
  }
  if (opts["expect-alert"]) {
    console.log(JSON.stringify({ stage: "connected" }));
    await pages[0].page.waitForFunction(
      () => window.roomsvcDemo.state().alerts.length > 0 && document.querySelector("#alerts li.alert"),
      null,
      { timeout, polling: 250 },
    );
  }
  if (opts["expect-forged"]) {
    await pages[0].page.waitForFunction(() => window.roomsvcDemo.state().ignoredAlerts.length > 0, null, {
      timeout,
      polling: 250,
    });
  }
  result = { ok: true, room: opts.room, pages: [] };
} catch (error) {
  result = { ok: false, room: opts.room, error: String(error?.message ?? error), pages: [] };
} finally {
  for (const { identity, page } of pages) {
    result.pages.push({ identity, state: await page.evaluate(() => window.roomsvcDemo?.state() ?? null) });
  }
  if (opts.screenshot && pages.length) {
    await pages[0].page.screenshot({ path: opts.screenshot, fullPage: true });
  }
  result.console = logs.slice(-30);
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
