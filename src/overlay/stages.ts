import { ExitCode } from '../exit-codes.js';
import type { FederateConfig } from '../pipeline/config.js';
import { overlayMessages as messages } from './messages.js';
import type { Overlay } from './types.js';

/**
 * Every stage an overlay names (a rule's `stages:`, a value's per-stage entries) is a stage of federate.yml: a typo
 * would quietly give that stage the default value, or skip the rule for it.
 */
export function checkOverlayStages(config: FederateConfig, overlay: Overlay): void {
  const known = Object.keys(config.stages);
  const named: Array<{ stage: string; line?: number }> = [
    ...[...overlay.exclude, ...overlay.patches, ...overlay.replace, ...overlay.files].flatMap((rule) => (rule.stages ?? []).map((stage) => ({ stage, line: rule.line }))),
    ...overlay.values.flatMap((value) => Object.keys(value.stages).map((stage) => ({ stage, line: value.line }))),
  ];
  const unknown = named.find((entry) => !known.includes(entry.stage));
  if (unknown) {
    const where = `${overlay.file}${unknown.line ? `:${unknown.line}` : ''}`;
    throw messages.createError('error.UnknownOverlayStage', [unknown.stage, where, config.file], [known.join(', ') || '(none)'], ExitCode.BadInput);
  }
}

/**
 * The stage a command was given (`--stage`) is a stage of federate.yml, of the region asked: a typo would quietly give
 * every per-stage value its default.
 */
export function checkStage(config: FederateConfig, region: string, stage: string | undefined): void {
  if (stage === undefined) return;
  const known = config.stages[stage];
  if (!known) throw messages.createError('error.UnknownStage', [stage, config.file], [Object.keys(config.stages).join(', ') || '(none)'], ExitCode.BadInput);
  if (known.region !== region) {
    const ofRegion = Object.entries(config.stages).filter(([, entry]) => entry.region === region).map(([name]) => name);
    throw messages.createError('error.StageOfOtherRegion', [stage, known.region, region], [region, ofRegion.join(', ') || '(none)'], ExitCode.BadInput);
  }
}
