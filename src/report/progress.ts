import type { SfCommand } from '@salesforce/sf-plugins-core';
import type { ProgressListener } from '../metadata/types.js';
import { countText, lineProgress, type ProgressSink } from './progress-lines.js';

export type ProgressReporter = ProgressSink;

/** The part of sf-plugins-core's Spinner used here. */
export type SpinnerLike = {
  status: string | undefined;
  start(action: string, status?: string): void;
  stop(status?: string): void;
};

/**
 * Turns a service's progress events into output on stderr, as sf's own commands do: a spinner on a terminal, a
 * bounded number of plain lines in a log (lineProgress). Warnings are not printed here: services also return them,
 * and the command prints them once. With --json nothing is printed (sf-plugins-core's own rule).
 */
export function progressReporter(command: SfCommand<unknown>): ProgressReporter {
  if (command.jsonEnabled()) return { listener: (): void => {}, stop: (): void => {} };
  if (isInteractive(process.stderr, process.env)) return spinnerProgress(command.spinner);
  return lineProgress({ write: (line) => command.logToStderr(line) });
}

/**
 * Whether stderr shows a live spinner: the rule @oclif/core uses to choose its spinner over plain lines (a terminal,
 * not CI, not a dumb terminal), so both agree.
 */
export function isInteractive(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.CI && !['dumb', 'emacs-color'].includes(env.TERM ?? '');
}

/**
 * One spinner per phase. A count updates the spinner's status in place (a stop and a start would leave one
 * "… done" line per count on the terminal), and a finished count stays on screen with its last value.
 */
export function spinnerProgress(spinner: SpinnerLike): ProgressSink {
  let action: string | undefined;
  let last: string | undefined;
  const begin = (message: string, status?: string): void => {
    if (action !== undefined) spinner.stop(last);
    spinner.start(message, status);
    action = message;
    last = status;
  };
  const listener: ProgressListener = (event) => {
    if (event.kind === 'warning') return;
    if (event.kind === 'phase') {
      begin(event.message);
      return;
    }
    const count = countText(event);
    if (action !== event.message) {
      begin(event.message, count);
    } else {
      // eslint-disable-next-line no-param-reassign -- the spinner's status is a setter: it redraws the spinner's line
      spinner.status = count;
      last = count;
    }
  };
  return {
    listener,
    stop: (): void => {
      if (action !== undefined) spinner.stop(last);
      action = undefined;
      last = undefined;
    },
  };
}
