import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOrg } from './org.js';
import { mutateOrg, type MutationReport } from './mutate.js';
import { generateHistory, type GeneratedHistory } from './history.js';
import type { CachedTree, HistoryRequest, MutatedRequest, MutatedTree } from './types.js';

/** Bump when the generator's output changes, so that cached trees are made again. */
export const GENERATOR_VERSION = 1;

/**
 * Generated trees kept under `cacheDir`, keyed by what makes them (generator version, seed, files, mutation).
 * Each is built in a temporary folder and renamed into place with a `.json` marker written last, so an interrupted
 * build is never reused and two runs at once do not see each other's half-written trees.
 */
export class TreeCache {
  public constructor(private readonly cacheDir: string) {
    mkdirSync(cacheDir, { recursive: true });
  }

  public async org(seed: number, files: number): Promise<CachedTree> {
    const key = `org-v${GENERATOR_VERSION}-s${seed}-f${files}`;
    const made = await this.build<{ files: number }>(key, (dir) => Promise.resolve({ files: generateOrg({ seed, files, outDir: dir }).files }));
    return { root: made.root, files: made.value.files, seed };
  }

  public async mutated(seed: number, files: number, request: MutatedRequest): Promise<MutatedTree> {
    const base = await this.org(seed, files);
    const mutateSeed = request.mutateSeed ?? seed + 1;
    const kinds = request.kinds?.length ? `-k${[...request.kinds].sort().join('+')}` : '';
    const key = `org-v${GENERATOR_VERSION}-s${seed}-f${files}-m${request.fraction}-ms${mutateSeed}${kinds}`;
    const made = await this.build<MutationReport>(key, (dir) => {
      rmSync(dir, { recursive: true, force: true });
      cpSync(base.root, dir, { recursive: true });
      return Promise.resolve(mutateOrg(dir, { seed: mutateSeed, fraction: request.fraction, kinds: request.kinds }));
    });
    return { base, root: made.root, report: made.value };
  }

  public async history(seed: number, files: number, request: HistoryRequest): Promise<GeneratedHistory> {
    const kinds = request.kinds?.length ? `-k${[...request.kinds].sort().join('+')}` : '';
    const key = `history-v${GENERATOR_VERSION}-s${seed}-f${files}-c${request.commits}-p${request.fractionPerCommit}${kinds}`;
    const made = await this.build<GeneratedHistory>(key, (dir) =>
      generateHistory(dir, { seed, files, commits: request.commits, fractionPerCommit: request.fractionPerCommit, kinds: request.kinds })
    );
    return { ...made.value, root: made.root };
  }

  private async build<T>(key: string, make: (dir: string) => Promise<T>): Promise<{ root: string; value: T }> {
    const root = join(this.cacheDir, key);
    const marker = `${root}.json`;
    if (existsSync(marker) && existsSync(root)) return { root, value: JSON.parse(readFileSync(marker, 'utf8')) as T };
    const temporary = `${root}.tmp-${process.pid}`;
    rmSync(temporary, { recursive: true, force: true });
    const value = await make(temporary);
    if (existsSync(marker) && existsSync(root)) {
      // Another run finished the same tree first: use theirs.
      rmSync(temporary, { recursive: true, force: true });
      return { root, value: JSON.parse(readFileSync(marker, 'utf8')) as T };
    }
    rmSync(root, { recursive: true, force: true });
    renameSync(temporary, root);
    writeFileSync(marker, JSON.stringify(value));
    return { root, value };
  }
}
