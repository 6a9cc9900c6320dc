/*
 * Fixes printed ready to paste: overlay.yml entries (patches, exclude, replace) and federate.yml `checks` entries.
 * YAML is written by the yaml library, so quoting is always right.
 */
import { stringify } from 'yaml';
import { checkMessages as messages } from './messages.js';
import type { CheckContext, Fix } from './types.js';

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** `patches: - component, path, set` for the region overlay. */
export function patchFix(context: CheckContext, text: string, component: string, path: string, value: string, reason?: string): Fix {
  return { text, snippet: yaml({ patches: [{ component, path, set: value, ...(reason ? { reason } : {}) }] }), snippetFile: context.overlayFile };
}

/** `exclude: - component` for the region overlay. */
export function excludeFix(context: CheckContext, text: string, component: string, reason?: string): Fix {
  return { text, snippet: yaml({ exclude: [{ component, ...(reason ? { reason } : {}) }] }), snippetFile: context.overlayFile };
}

/** `replace: - filename, stringToReplace, replaceWith` for the region overlay. */
export function replaceFix(context: CheckContext, text: string, filename: string, search: string, replacement: string): Fix {
  return { text, snippet: yaml({ replace: [{ filename, stringToReplace: search, replaceWith: replacement }] }), snippetFile: context.overlayFile };
}

/** A federate.yml `regions.<region>.checks` fragment. */
export function checksFix(context: CheckContext, text: string, checks: Record<string, unknown>): Fix {
  return { text, snippet: yaml({ regions: { [context.region]: { checks } } }), snippetFile: 'federate.yml' };
}

/** Just words. */
export function textFix(text: string): Fix {
  return { text };
}

/** Any overlay.yml entry (`{ patches: [...] }`, `{ exclude: [...] }`) for the region overlay. */
export function overlayFix(context: CheckContext, text: string, entry: Record<string, unknown>): Fix {
  return { text, snippet: yaml(entry), snippetFile: context.overlayFile };
}

/**
 * A fix for text the region overlay's files/ writes: the rule's advice, made in that file. The overlay.yml snippet is
 * dropped: a replace or patch rule would only rewrite the overlay's own text (and one on the source path reads as if
 * the source held it).
 */
export function inOverlayFilesFix(fix: Fix, overlayFilesPath: string, overlayFile: string): Fix {
  return { text: messages.getMessage('fix.InOverlayFiles', [fix.text.replace(/[\s:.]+$/, ''), overlayFilesPath, overlayFile]) };
}
