import { appendFile } from 'node:fs/promises';

/**
 * Appends markdown to the GitHub Actions job summary (the file `$GITHUB_STEP_SUMMARY` names) when it is set.
 * The one report function that touches disk. Returns whether it wrote.
 */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  await appendFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`, 'utf8');
  return true;
}
