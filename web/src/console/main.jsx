// The operator console (/console): sign-in with a short-lived caller token, a left nav, and one view per
// concern. Routes live in the URL hash (#/rooms, #/rooms/<name>, #/calls/<id>, #/events, #/detection,
// #/recordings, #/recordings/<id>).
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Problem, request, session, whenUnauthorized } from "./api.js";
import { CallsView } from "./views/calls.jsx";
import { DetectionView } from "./views/detection.jsx";
import { EventsView } from "./views/events.jsx";
import { RecordingsView } from "./views/recordings.jsx";
import { RoomView } from "./views/room.jsx";
import { RoomsView } from "./views/rooms.jsx";
import { ProblemBox, detailOf, relative, when } from "./ui.jsx";

function parseRoute() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] || "rooms", arg: parts[1] ?? null, query: new URLSearchParams(query) };
}

function useRoute() {
  const [route, setRoute] = useState(parseRoute);
  useEffect(() => {
    const update = () => setRoute(parseRoute());
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

function SignIn({ onSignedIn, error }) {
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState(error);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setProblem("Paste a token first: `roomsvc console-token --project <project> --operator <you>` prints one.");
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const me = await request("GET", "/v1/me", { token: value, quiet401: true });
      session.save(value);
      onSignedIn(me);
    } catch (failure) {
      setProblem(detailOf(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="signin">
      <form class="card signin-card" onSubmit={submit}>
        <h1>roomsvc console</h1>
        <p class="muted">
          Sign in with a short-lived caller token for your project, printed by
          <code>roomsvc console-token --project default --operator you</code>. It stays in this tab only
          (sessionStorage) and is gone when the tab closes.
        </p>
        <label for="token">Caller token</label>
        <textarea
          id="token"
          rows="5"
          spellcheck={false}
          autocomplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          placeholder="eyJhbGciOiJIUzI1NiIs…"
        />
        <ProblemBox error={problem} />
        <button type="submit" class="primary" id="signin" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

const NAV = [
  ["rooms", "Rooms"],
  ["calls", "Calls"],
  ["events", "Events"],
  ["detection", "Detection"],
  ["recordings", "Recordings"],
];

function Shell({ me, onSignOut }) {
  const route = useRoute();
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 15000);
    return () => clearInterval(timer);
  }, []);
  let view;
  if (route.view === "rooms" && route.arg) view = <RoomView room={route.arg} me={me} />;
  else if (route.view === "rooms") view = <RoomsView />;
  else if (route.view === "calls") view = <CallsView callId={route.arg} room={route.query.get("room")} />;
  else if (route.view === "events") view = <EventsView />;
  else if (route.view === "detection") view = <DetectionView room={route.arg} />;
  else if (route.view === "recordings") view = <RecordingsView id={route.arg} room={route.query.get("room")} />;
  else view = <ProblemBox error={`No such view: ${route.view}.`} />;
  return (
    <div class="shell">
      <nav class="sidebar">
        <div class="brand">roomsvc</div>
        {NAV.map(([key, label]) => (
          <a href={`#/${key}`} class={route.view === key ? "active" : ""} data-nav={key}>
            {label}
          </a>
        ))}
        <div class="whoami">
          <div>
            <span class="muted">project</span> <strong data-me="project">{me.project}</strong>
          </div>
          <div>
            <span class="muted">operator</span> <strong data-me="operator">{me.operator ?? "—"}</strong>
          </div>
          <div>
            <span class="muted">expires</span>{" "}
            <span data-me="expires" title={when(me.expires_at)}>
              {me.expires_at ? relative(me.expires_at) : "never"}
            </span>
          </div>
          <div class="muted small">{(me.scopes ?? []).join(" ")}</div>
          <button type="button" onClick={() => onSignOut(null)} id="signout">
            Sign out
          </button>
        </div>
      </nav>
      <main class="content">{view}</main>
    </div>
  );
}

function App() {
  const [me, setMe] = useState(null);
  const [signInError, setSignInError] = useState(null);
  const [checking, setChecking] = useState(Boolean(session.token()));

  function signOut(reason) {
    session.clear();
    setMe(null);
    setSignInError(reason);
  }

  useEffect(() => {
    whenUnauthorized((problem) => signOut(problem.detail));
    if (!session.token()) return;
    request("GET", "/v1/me", { quiet401: true })
      .then(setMe)
      .catch((failure) => signOut(detailOf(failure)))
      .finally(() => setChecking(false));
  }, []);

  // Sign out when the token expires rather than waiting for the next 401.
  useEffect(() => {
    if (!me?.expires_at) return undefined;
    const left = new Date(me.expires_at).getTime() - Date.now();
    const timer = setTimeout(
      () => signOut(`Your token expired at ${when(me.expires_at)}; sign in with a new one.`),
      Math.max(0, Math.min(left, 2 ** 31 - 1)),
    );
    return () => clearTimeout(timer);
  }, [me]);

  if (checking) return <p class="muted">Checking your token…</p>;
  if (!me) {
    return (
      <SignIn
        key={signInError}
        error={signInError}
        onSignedIn={(value) => {
          setSignInError(null);
          setMe(value);
          if (!location.hash) location.hash = "#/rooms";
        }}
      />
    );
  }
  return <Shell me={me} onSignOut={signOut} />;
}

// A promise nobody awaited must still surface as a message, never only in the devtools console.
addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  const detail = event.reason instanceof Problem ? event.reason.detail : String(event.reason?.message ?? event.reason);
  const box = document.getElementById("fatal");
  if (box) {
    box.textContent = detail;
    box.hidden = false;
  }
});

const root = document.getElementById("app");
root.textContent = ""; // the "Loading" placeholder: render() adds to what is there
render(<App />, root);
