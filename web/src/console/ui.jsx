// Small shared pieces: polling, problem display, the confirm dialog, formatting.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { Problem } from "./api.js";
import { clockText, dateTimeText, sameDay } from "./time.js";

/** Load `load()` now and every `every` ms (0: once); `reload()` forces a run. Keeps the last good data
 * while a refresh fails, and exposes the failure's detail. */
export function usePoll(load, deps, every = 0) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const run = useCallback(async () => {
    const mine = generation.current;
    try {
      const data = await load();
      if (mine === generation.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === generation.current) {
        setState((old) => ({ data: old.data, error: detailOf(error), loading: false }));
      }
    }
  }, deps);
  useEffect(() => {
    generation.current += 1;
    setState({ data: null, error: null, loading: true });
    run();
    if (!every) return undefined;
    const timer = setInterval(run, every);
    return () => {
      clearInterval(timer);
      generation.current += 1;
    };
  }, [run]);
  return { ...state, reload: run };
}

/** `value`, once it has stopped changing for `ms`: a typed filter becomes a query when the typing
 * pauses. (Filter inputs update their text on every `input` event: an `onChange`-only input loses what
 * was typed whenever a poll re-renders the view before the change event.) */
export function useDebounced(value, ms = 300) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function detailOf(error) {
  if (error instanceof Problem) return error.detail;
  return `Unexpected error: ${error?.message ?? error}`;
}

export function ProblemBox({ error }) {
  if (!error) return null;
  return (
    <div class="problem" role="alert">
      {error}
    </div>
  );
}

export function Loading({ what }) {
  return <p class="muted">Loading {what}…</p>;
}

/** A modal asking to confirm an action; `children` may hold the action's form fields. */
export function Confirm({ title, confirmLabel = "Confirm", danger = false, onConfirm, onCancel, children }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (failure) {
      setError(detailOf(failure));
      setBusy(false);
    }
  }
  return (
    <div class="modal-backdrop">
      <form class="modal" role="dialog" aria-label={title} onSubmit={submit}>
        <h3>{title}</h3>
        {children}
        <ProblemBox error={error} />
        <div class="modal-actions">
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class={danger ? "danger" : "primary"} disabled={busy} data-confirm>
            {busy ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}

/** A date and time of day, 24 h with seconds ("Dec 2, 17:16:02"): tables and details. */
export function when(value) {
  if (!value) return "—";
  return dateTimeText(new Date(value));
}

/** A time of day (24 h, with seconds); the date only when it is not today. */
export function clock(value) {
  if (!value) return "—";
  const date = new Date(value);
  return sameDay(new Date(), date) ? clockText(date) : dateTimeText(date);
}

export function relative(value, now = Date.now()) {
  if (!value) return "never";
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const size = Math.abs(seconds);
  const text =
    size < 90 ? `${size} s` : size < 5400 ? `${Math.round(size / 60)} min` : `${Math.round(size / 3600)} h`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

export function Badge({ value, kind }) {
  return <span class={`badge badge-${kind ?? value}`}>{value}</span>;
}

export function Empty({ children }) {
  return <p class="muted empty">{children}</p>;
}
