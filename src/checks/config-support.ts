/*
 * Helpers for the rules that read federate.yml and sfdx-project.json: the stages a check is about, and lines.
 */
import type { StageConfig } from '../pipeline/config.js';
import type { CheckContext } from './types.js';

/** The stages of the checked region (only --stage when it is given), with names. */
export function regionStages(context: CheckContext): Array<StageConfig & { name: string }> {
  if (context.stage) return [context.stage];
  return Object.entries(context.config?.stages ?? {})
    .filter(([, stage]) => stage.region === context.region)
    .map(([name, stage]) => ({ ...stage, name }));
}

/** The 1-based line of the first line at or after `fromLine` whose text matches, in a file's text. */
export function lineMatching(text: string | undefined, pattern: RegExp, fromLine = 1): { line: number; column: number } | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  for (let index = Math.max(0, fromLine - 1); index < lines.length; index++) {
    const match = pattern.exec(lines[index]);
    if (match) return { line: index + 1, column: match.index + 1 };
  }
  return undefined;
}

/** Where a stage's field is written in federate.yml. */
export function stageFieldLocation(context: CheckContext, stage: string, field: string): { path: string; projectPath: true; line?: number; column?: number } {
  const stageLine = context.config?.lines.stages[stage];
  const at = lineMatching(context.configText, new RegExp(`\\b${field}\\s*:`), stageLine);
  return { path: 'federate.yml', projectPath: true, line: at?.line ?? stageLine, column: at?.column };
}
