// The roomsvc demo page: join through the API (via this page's backend, /demo/api/*), connect with
// livekit-client, publish camera and microphone, and show who is there, their roles, the stage seats
// and detection alerts. window.roomsvcDemo exposes the page's state to the browser test.
import { ConnectionState, Room, RoomEvent, Track } from "livekit-client";

const DETECTION_TOPIC = "roomsvc.detection";
const POLL_MS = 2000;

const $ = (id) => document.getElementById(id);
const form = $("join-form");
const statusLine = $("status");
const tiles = $("tiles");

let room = null;
let session = null; // what /demo/api/join answered: room, identity, role, url
let pollTimer = null;
const alerts = [];
const ignoredAlerts = []; // messages on the detection topic that did not come from roomsvc (not shown)

// A genuine alert comes from roomsvc through LiveKit's server API, so it has no sender: LiveKit stamps
// every packet a client publishes with that client's identity, and anyone in the room may publish on
// any topic. A message on the detection topic with a sender is a forgery (docs/detection.md).
function isGenuineAlert(participant, participantIdentity) {
  return !participant && !participantIdentity;
}

function setStatus(text, state) {
  statusLine.textContent = text;
  statusLine.dataset.state = state;
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "content-type": "application/json", ...(options.headers || {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    // Problem details (RFC 9457) from the API come through as they are: show their detail.
    throw new Error(body.detail || body.title || `HTTP ${response.status}`);
  }
  return body;
}

// --- video tiles ------------------------------------------------------------------------------------
function tileFor(identity, local) {
  let tile = tiles.querySelector(`.tile[data-identity="${CSS.escape(identity)}"]`);
  if (!tile) {
    tile = document.createElement("div");
    tile.className = local ? "tile local" : "tile remote";
    tile.dataset.identity = identity;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = identity;
    tile.append(name);
    if (local) tiles.prepend(tile);
    else tiles.append(tile);
  }
  return tile;
}

function attach(track, identity, local) {
  const element = track.attach();
  element.dataset.identity = identity;
  element.dataset.kind = track.kind;
  element.dataset.sid = track.sid || "";
  if (track.kind === Track.Kind.Video) {
    element.muted = true;
    element.playsInline = true;
    tileFor(identity, local).prepend(element);
  } else {
    element.hidden = true;
    tileFor(identity, local).append(element);
  }
}

function detach(track) {
  for (const element of track.detach()) element.remove();
}

function removeTile(identity) {
  tiles.querySelector(`.tile[data-identity="${CSS.escape(identity)}"]`)?.remove();
}

// --- side panels ------------------------------------------------------------------------------------
async function refreshParticipants() {
  if (!session) return;
  const body = await api(`/demo/api/rooms/${encodeURIComponent(session.room)}/participants`);
  const rows = body.items.map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.identity = p.identity;
    const tracks = p.tracks.map((t) => t.source || t.kind).join(", ") || "—";
    for (const [cls, text] of [
      ["identity", p.identity],
      ["role", p.role || "—"],
      ["connected", p.connected ? "yes" : "no"],
      ["tracks", tracks],
    ]) {
      const td = document.createElement("td");
      if (cls === "role") {
        const badge = document.createElement("span");
        badge.className = "role";
        badge.textContent = text;
        td.append(badge);
      } else td.textContent = text;
      td.dataset.field = cls;
      tr.append(td);
    }
    return tr;
  });
  $("participants").querySelector("tbody").replaceChildren(...rows);
}

async function refreshSeats() {
  if (!session) return;
  const body = await api(`/demo/api/rooms/${encodeURIComponent(session.room)}/seats`);
  const panel = $("seats-panel");
  if (!body.available) {
    panel.hidden = true; // this roomsvc has no seats endpoint (or the room has no stage)
    return;
  }
  panel.hidden = false;
  $("seat-mode").textContent = body.seat_mode ? `(${body.seat_mode})` : "";
  const items = body.items.map((seat) => {
    const li = document.createElement("li");
    li.value = seat.index;
    li.textContent = seat.identity || (seat.locked ? "locked" : "free");
    if (seat.locked) li.className = "locked";
    return li;
  });
  $("seats").replaceChildren(...items);
}

async function refreshPanels() {
  try {
    await Promise.all([refreshParticipants(), refreshSeats()]);
  } catch (error) {
    console.warn("panel refresh failed", error);
  }
}

function showAlert(text) {
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: shown as it is */
  }
  alerts.push({ from: "roomsvc", payload: parsed ?? text });
  const li = document.createElement("li");
  li.className = "alert";
  if (parsed && typeof parsed === "object") {
    // detection.alert (src/roomsvc/detection/alerts.py): identity, kind, score, model, action.
    const who = parsed.identity ? ` on ${parsed.identity}` : "";
    const kind = parsed.kind ? ` ${parsed.kind}` : "";
    const score = typeof parsed.score === "number" ? ` score ${parsed.score.toFixed(2)}` : "";
    const model = parsed.model?.name ? ` (${parsed.model.name})` : "";
    const action = parsed.action && parsed.action !== "none" ? ` → ${parsed.action}` : "";
    li.textContent = `${new Date().toLocaleTimeString()} ${parsed.type || "alert"}${kind}${who}${score}${model}${action}`;
    li.title = text;
  } else {
    li.textContent = text;
  }
  const list = $("alerts");
  list.querySelector(".empty")?.remove();
  list.prepend(li);
}

// --- join / leave -----------------------------------------------------------------------------------
async function join(event) {
  event.preventDefault();
  $("join").disabled = true;
  setStatus("Joining through the API…", "joining");
  try {
    const body = await api("/demo/api/join", {
      method: "POST",
      body: JSON.stringify({
        room: $("room").value.trim(),
        identity: $("identity").value.trim(),
        role: $("role").value || null,
      }),
    });
    session = body;
    room = new Room({ adaptiveStream: false, dynacast: true });
    room
      .on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
        attach(track, participant.identity, false);
        refreshPanels();
      })
      .on(RoomEvent.TrackUnsubscribed, (track) => detach(track))
      .on(RoomEvent.LocalTrackPublished, (publication) => {
        if (publication.track) attach(publication.track, session.identity, true);
        refreshPanels();
      })
      .on(RoomEvent.ParticipantConnected, () => refreshPanels())
      .on(RoomEvent.ParticipantDisconnected, (participant) => {
        removeTile(participant.identity);
        refreshPanels();
      })
      .on(RoomEvent.DataReceived, (payload, participant, _kind, topic, _encryption, participantIdentity) => {
        if (topic !== DETECTION_TOPIC) return;
        const text = new TextDecoder().decode(payload);
        if (isGenuineAlert(participant, participantIdentity)) showAlert(text);
        else ignoredAlerts.push({ from: participant?.identity || participantIdentity, payload: text });
      })
      .on(RoomEvent.Disconnected, (reason) => {
        setStatus(`Disconnected (${reason ?? "left"}).`, "idle");
        cleanUp();
      });
    await room.connect(body.url, body.token);
    setStatus(`Connected to ${body.room} as ${body.identity} (${body.role}).`, "connected");
    $("leave").disabled = false;
    // Publishing follows the grants: a member in a room with a stage, or the audience, may publish only
    // once seated; the API then updates the grants live and this event fires.
    room.on(RoomEvent.ParticipantPermissionsChanged, (_previous, participant) => {
      if (participant === room?.localParticipant && participant.permissions?.canPublish) publish();
    });
    if (body.grants.can_publish) await publish();
    else setStatus(`Connected to ${body.room} as ${body.identity} (${body.role}); listening only (take a stage seat to publish).`, "connected");
    tileFor(body.identity, true);
    pollTimer = setInterval(refreshPanels, POLL_MS);
    await refreshPanels();
  } catch (error) {
    setStatus(`Could not join: ${error.message}`, "error");
    cleanUp();
  }
}

async function publish() {
  const local = room?.localParticipant;
  if (!local || local.isCameraEnabled || local.isMicrophoneEnabled) return;
  try {
    await local.enableCameraAndMicrophone();
  } catch (error) {
    setStatus(`Connected, but camera/microphone failed: ${error.message}`, "connected");
  }
}

function cleanUp() {
  clearInterval(pollTimer);
  pollTimer = null;
  tiles.replaceChildren();
  $("join").disabled = false;
  $("leave").disabled = true;
  room = null;
  session = null;
}

async function leave() {
  if (room) await room.disconnect();
}

form.addEventListener("submit", join);
$("leave").addEventListener("click", leave);
if (!$("identity").value) $("identity").value = `guest-${Math.random().toString(36).slice(2, 7)}`;

// For tests and the curious: what the page sees right now.
window.roomsvcDemo = {
  state() {
    const videos = [...tiles.querySelectorAll("video")].map((v) => ({
      identity: v.dataset.identity,
      local: v.closest(".tile")?.classList.contains("local") ?? false,
      width: v.videoWidth,
      height: v.videoHeight,
      playing: !v.paused && v.readyState >= 2,
    }));
    const remote = room ? [...room.remoteParticipants.values()] : [];
    return {
      connection: room ? room.state : ConnectionState.Disconnected,
      identity: session?.identity ?? null,
      role: session?.role ?? null,
      videos,
      remoteTracks: remote.flatMap((p) =>
        [...p.trackPublications.values()]
          .filter((pub) => pub.isSubscribed && pub.track)
          .map((pub) => ({ identity: p.identity, kind: pub.kind, source: pub.source })),
      ),
      participantRows: [...document.querySelectorAll("#participants tbody tr")].map((tr) => ({
        identity: tr.dataset.identity,
        role: tr.querySelector('[data-field="role"]').textContent,
      })),
      seatsShown: !$("seats-panel").hidden,
      alerts: alerts.slice(),
      ignoredAlerts: ignoredAlerts.slice(),
      alertLines: [...document.querySelectorAll("#alerts li.alert")].map((li) => li.textContent),
    };
  },
};
