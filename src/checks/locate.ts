/*
 * Rules read the metadata as the overlay makes it, but a finding must point at a file the user can open and edit:
 * the repository's file the checked text was made from. That is the source's own file, or, for text the overlay's
 * files/ writes (a China-only class, a file replaced whole), the file under overlays/<region>/files/.
 */
import type { Snapshot, SnapshotFile } from '../metadata/types.js';
import { inOverlayFilesFix } from './fix.js';
import type { Finding } from './types.js';

/** A file as the repository holds it: where a checked file's text is edited. */
export type RepositoryFile = {
  /** Project-relative, `/`-separated. */
  readonly path: string;
  /** Git blob id of the bytes (equal to the checked file's: the text is as the repository has it). */
  readonly hash: string;
  /**
   * It is in the files/ of the checked region's own overlay: an overlay.yml rule printed as the fix would only rewrite
   * the overlay's own text, so the fix says to edit this file instead.
   */
  readonly inRegionOverlay?: boolean;
  read(): Promise<Buffer>;
};

export type LocateInput = {
  /** The snapshot the rules read. */
  readonly checked: Snapshot;
  /** Snapshot path → the repository file its text comes from; undefined where the path is as the repository has it. */
  readonly repositoryFileOf: (path: string) => RepositoryFile | undefined;
  /** Snapshot path each finding in a snapshot file was raised at. */
  readonly snapshotPathOf: ReadonlyMap<Finding, string>;
  /** overlay.yml of the checked region, where fixes' snippets go. */
  readonly overlayFile: string;
};

/**
 * Moves each finding onto its repository file. Where the checked text differs from that file's (the overlay patched
 * or replaced in it), the finding moves to the line that reads the same (the nearest, when several do); one on a line
 * only the overlay writes keeps the file but not the line, and says so.
 */
export async function locateFindings(findings: readonly Finding[], input: LocateInput): Promise<Finding[]> {
  const checkedFile = fileIndex(input.checked);
  const linesOf = new Map<string, Promise<[string[], string[]]>>();
  const texts = (path: string, origin: RepositoryFile): Promise<[string[], string[]]> => {
    let known = linesOf.get(path);
    if (!known) {
      known = Promise.all([checkedFile(path)!.read(), origin.read()]).then(([after, before]) => [after.toString('utf8').split('\n'), before.toString('utf8').split('\n')]);
      linesOf.set(path, known);
    }
    return known;
  };
  return Promise.all(
    findings.map(async (finding) => {
      const path = input.snapshotPathOf.get(finding);
      const origin = path === undefined ? undefined : input.repositoryFileOf(path);
      const checked = path === undefined ? undefined : checkedFile(path);
      if (path === undefined || !origin || !checked) return finding;
      let moved: Finding = { ...finding, path: origin.path };
      if (finding.line !== undefined && checked.hash !== origin.hash) {
        const [after, before] = await texts(path, origin);
        const line = sameLine(finding, after, before);
        if (!line) return onOverlayLine(moved);
        moved = { ...moved, ...line };
      }
      // Text the region overlay's files/ holds is fixed there; text an overlay.yml rule writes keeps the rule's fix.
      if (origin.inRegionOverlay && finding.fix?.snippet && finding.fix.snippetFile === input.overlayFile) {
        return { ...moved, fix: inOverlayFilesFix(finding.fix, origin.path, input.overlayFile) };
      }
      return moved;
    })
  );
}

/** The line (and column) of `before` that reads as the finding's line of `after` does, or undefined when none does. */
function sameLine(finding: Finding, after: readonly string[], before: readonly string[]): { line: number; column?: number } | undefined {
  const at = finding.line!;
  // A patched file is written in 4-space layout: lines are matched without their indentation.
  const text = (after[at - 1] ?? '').trim();
  let best: number | undefined;
  if (text) {
    before.forEach((line, index) => {
      if (line.trim() === text && (best === undefined || Math.abs(index + 1 - at) < Math.abs(best - at))) best = index + 1;
    });
  }
  if (best === undefined) return undefined;
  const indent = (line: string): number => line.length - line.trimStart().length;
  return { line: best, ...(finding.column !== undefined ? { column: finding.column - indent(after[at - 1]) + indent(before[best - 1]) } : {}) };
}

/** A finding on a line only the overlay writes: the file, not the line, and says so. */
function onOverlayLine(finding: Finding): Finding {
  const rest: Finding = { ...finding, message: `${finding.message} (on a line the overlay writes)` };
  delete (rest as { line?: number }).line;
  delete (rest as { column?: number }).column;
  return rest;
}

/** The first file of a snapshot at each path (a component's XML, its merged parts, or a content file), indexed on first use. */
export function fileIndex(snapshot: Snapshot): (path: string) => SnapshotFile | undefined {
  let index: Map<string, SnapshotFile> | undefined;
  return (path) => {
    if (!index) {
      index = new Map();
      for (const component of snapshot.components.values()) {
        const xml = component.xml ? component.xml.parts ?? [component.xml] : [];
        for (const file of [...xml, ...component.content]) if (!index.has(file.path)) index.set(file.path, file);
      }
    }
    return index.get(path);
  };
}
