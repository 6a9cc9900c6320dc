import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { TreeContainer } from '../sdr.js';
import type { BlobReader } from './blobs.js';

/** A file of a git tree as the container knows it. */
export type TreeFile = { readonly blob: string };

/**
 * SDR's view of a git tree: the listing (`git ls-tree`) answers `exists`, `isDirectory` and `readDirectory` from
 * memory; bytes come from the object store. SDR's resolver reads synchronously only in a few places (the XML of a
 * parent whose children live in its file, a `.xml` that might be a package.xml); those bytes are prefetched
 * (`prefetch`) so that resolution does not spawn git per file, and a miss falls back to one `git cat-file`.
 */
export class GitTreeContainer extends TreeContainer {
  public syncReads = 0;
  private readonly files = new Map<string, TreeFile>();
  private readonly dirs = new Map<string, Set<string>>();

  /**
   * @param root Absolute virtual folder the tree is mounted at (never a real folder: nothing may fall back to disk).
   * @param entries Files relative to `root`.
   */
  public constructor(
    public readonly root: string,
    entries: Iterable<readonly [path: string, file: TreeFile]>,
    private readonly reader: BlobReader,
    /** Prefetched bytes by blob id; may be shared by the trees of one run. */
    private readonly cache: Map<string, Buffer> = new Map()
  ) {
    super();
    this.narrow(entries);
  }

  /** Keeps only these files (relative to the root) and their folders; prefetched bytes stay. */
  public narrow(entries: Iterable<readonly [path: string, file: TreeFile]>): void {
    this.files.clear();
    this.dirs.clear();
    this.dirs.set(this.root, new Set());
    // Paths from git are normalized already (no `.`, `..` or doubled slashes): joined without posix.join, which
    // normalizes each of tens of thousands of paths again.
    const prefix = this.root.endsWith('/') ? this.root : `${this.root}/`;
    for (const [path, file] of entries) this.add(prefix + path, file);
  }

  /** Makes sure a folder exists (relative to the root), even with nothing in it. */
  public addDirectory(relPath: string): void {
    if (relPath === '.' || relPath === '') return;
    const fsPath = posix.join(this.root, relPath);
    if (this.dirs.has(fsPath)) return;
    this.dirs.set(fsPath, new Set());
    let child = fsPath;
    let parent = posix.dirname(child);
    while (child !== this.root && parent !== '/' && parent !== '.') {
      let entries = this.dirs.get(parent);
      const known = entries !== undefined;
      if (!entries) {
        entries = new Set();
        this.dirs.set(parent, entries);
      }
      entries.add(posix.basename(child));
      if (known) return;
      child = parent;
      parent = posix.dirname(child);
    }
  }

  public fileAt(fsPath: string): TreeFile | undefined {
    return this.files.get(fsPath);
  }

  public allFiles(): IterableIterator<string> {
    return this.files.keys();
  }

  public exists(fsPath: string): boolean {
    return this.files.has(fsPath) || this.dirs.has(fsPath);
  }

  public isDirectory(fsPath: string): boolean {
    return this.dirs.has(fsPath);
  }

  public readDirectory(fsPath: string): string[] {
    return [...(this.dirs.get(fsPath) ?? [])];
  }

  public async readFile(fsPath: string): Promise<Buffer> {
    const file = this.require(fsPath);
    const cached = this.cache.get(file.blob);
    if (cached) return cached;
    const bytes = await this.reader.read(file.blob);
    if (!bytes) throw new Error(`${fsPath}: blob ${file.blob} is missing from the object store`);
    return bytes;
  }

  public readFileSync(fsPath: string): Buffer {
    const file = this.require(fsPath);
    const cached = this.cache.get(file.blob);
    if (cached) return cached;
    this.syncReads++;
    const bytes = this.reader.readSync(file.blob);
    if (!bytes) throw new Error(`${fsPath}: blob ${file.blob} is missing from the object store`);
    this.cache.set(file.blob, bytes);
    return bytes;
  }

  public stream(fsPath: string): Readable {
    return Readable.from(
      (async function* (container: GitTreeContainer): AsyncGenerator<Buffer> {
        yield await container.readFile(fsPath);
      })(this)
    );
  }

  /** Reads these files through the batch process now, so later synchronous reads are served from memory. */
  public async prefetch(fsPaths: Iterable<string>): Promise<void> {
    const blobs = new Set<string>();
    for (const path of fsPaths) {
      const blob = this.files.get(path)?.blob;
      if (blob && !this.cache.has(blob)) blobs.add(blob);
    }
    await Promise.all(
      [...blobs].map(async (blob) => {
        const bytes = await this.reader.read(blob);
        if (bytes) this.cache.set(blob, bytes);
      })
    );
  }

  /** Forgets prefetched bytes (after resolution; compare reads again only what differs). */
  public dropCache(): void {
    this.cache.clear();
  }

  private require(fsPath: string): TreeFile {
    const file = this.files.get(fsPath);
    if (!file) throw new Error(`${fsPath}: File or folder not found`);
    return file;
  }

  private add(fsPath: string, file: TreeFile): void {
    this.files.set(fsPath, file);
    let child = fsPath;
    let slash = child.lastIndexOf('/');
    for (;;) {
      // posix.dirname and basename of an absolute, normalized path, without their argument checks.
      const parent = slash > 0 ? child.slice(0, slash) : '/';
      let entries = this.dirs.get(parent);
      const known = entries !== undefined;
      if (!entries) {
        entries = new Set();
        this.dirs.set(parent, entries);
      }
      entries.add(child.slice(slash + 1));
      if (known || parent === this.root || parent === '/') return;
      child = parent;
      slash = child.lastIndexOf('/');
    }
  }
}
