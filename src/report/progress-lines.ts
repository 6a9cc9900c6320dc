import type { ProgressEvent, ProgressListener } from '../metadata/types.js';

/** What a command holds while a service runs: the listener to pass it, and `stop` once it is done. */
export type ProgressSink = {
  readonly listener: ProgressListener;
  stop(): void;
};

export type LineProgressOptions = {
  /** Writes one line (stderr, through the command). */
  readonly write: (line: string) => void;
  /** Milliseconds; a clock tests can drive. */
  readonly now?: () => number;
  /** Least time between two lines of running counts. */
  readonly intervalMs?: number;
};

/**
 * A CI log (stderr not a terminal) has no spinner line to rewrite: every update is a line for good. Discovering an
 * org counts hundreds of listMetadata calls, which printed hundreds of lines per org.
 */
const DEFAULT_INTERVAL_MS = 5000;

/** The text of a count, as the spinner shows it too. */
export function countText(event: Extract<ProgressEvent, { kind: 'count' }>): string {
  return `${event.done}${event.total ? `/${event.total}` : ''}`;
}

/**
 * Progress as plain lines for a log, bounded whatever the number of events: each phase once; of each count, its first
 * value (what is being counted, and how many there are to do), its end (done = total, or the last value seen when the
 * next phase starts or the run ends: a count without a total) and in between at most one line every `intervalMs`,
 * which tells a reader of a slow job that it still moves.
 */
export function lineProgress(options: LineProgressOptions): ProgressSink {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  let lastPhase: string | undefined;
  let lastCountLine = Number.NEGATIVE_INFINITY;
  /** Counts seen in this phase, and the latest value of each not printed yet. */
  const seen = new Set<string>();
  const pending = new Map<string, string>();

  const line = (message: string, count: string): string => `${message} ${count}`;
  const flush = (): void => {
    for (const [message, count] of pending) options.write(line(message, count));
    pending.clear();
  };

  const listener: ProgressListener = (event) => {
    if (event.kind === 'warning') return;
    if (event.kind === 'phase') {
      flush();
      seen.clear();
      if (event.message !== lastPhase) options.write(`${event.message}...`);
      lastPhase = event.message;
      return;
    }
    const count = countText(event);
    const first = !seen.has(event.message);
    const end = event.total !== undefined && event.done >= event.total;
    seen.add(event.message);
    if (first || end || now() - lastCountLine >= interval) {
      pending.delete(event.message);
      options.write(line(event.message, count));
      lastCountLine = now();
    } else {
      pending.set(event.message, count);
    }
  };
  return { listener, stop: flush };
}
