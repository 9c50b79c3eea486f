const WHEN = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** "Mar 4, 2026, 2:05 PM UTC": the server cannot know the reader's time zone, so it says which one it uses. */
export function formatWhen(date: Date): string {
  return `${WHEN.format(date)} UTC`;
}

export function formatRate(rate: number): string {
  return rate.toFixed(2);
}
