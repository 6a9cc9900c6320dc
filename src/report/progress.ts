import type { SfCommand } from '@salesforce/sf-plugins-core';
import type { ProgressListener } from '../metadata/types.js';

export type ProgressReporter = {
  readonly listener: ProgressListener;
  stop(): void;
};

/**
 * Turns a service's progress events into one spinner line on stderr. Warnings are not printed here: services also
 * return them, and the command prints them once. With --json the spinner stays silent (sf-plugins-core's own rule).
 */
export function progressReporter(command: SfCommand<unknown>): ProgressReporter {
  let started = false;
  const listener: ProgressListener = (event) => {
    if (event.kind === 'warning') return;
    const text = event.kind === 'count' ? `${event.message} ${event.done}${event.total ? `/${event.total}` : ''}` : event.message;
    // A spinner shows one line: restarting it replaces the text.
    if (started) command.spinner.stop();
    command.spinner.start(text);
    started = true;
  };
  return {
    listener,
    stop: (): void => {
      if (started) command.spinner.stop();
      started = false;
    },
  };
}
