// One time format across the console: a 24-hour clock with seconds ("17:16:02"), with the date in front
// where a day boundary makes it necessary ("Dec 2, 17:16:02"), in the browser's time zone. `hourCycle:
// "h23"` rather than `hour12: false`, which some locales and Chromium versions render as "24:05:00".
const clockFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** "17:16:02" */
export const clockText = (date) => clockFormat.format(date);
/** "Dec 2, 17:16:02" */
export const dateTimeText = (date) => dateTimeFormat.format(date);
export const sameDay = (a, b) => a.toDateString() === b.toDateString();
