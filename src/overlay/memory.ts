import { posix } from 'node:path';
import type { VirtualDirectory } from '@salesforce/source-deploy-retrieve';
import { RegistryAccess, VirtualTreeContainer } from '../metadata/sdr.js';
import { gitBlobId } from '../metadata/hash.js';
import { buildSnapshot, type FileStore } from '../metadata/snapshot.js';
import type { Snapshot, SnapshotFile, SourceInfo } from '../metadata/types.js';

const ROOT = '/__sf_federate_memory__';

export function memoryFile(path: string, bytes: Buffer): SnapshotFile {
  return { path, hash: gitBlobId(bytes), size: bytes.length, read: () => Promise.resolve(bytes) };
}

/** An SDR tree over in-memory files (paths relative to `root`). */
export function virtualTree(root: string, contents: ReadonlyMap<string, Buffer>): VirtualTreeContainer {
  const dirs = new Map<string, VirtualDirectory>();
  const ensure = (dir: string): VirtualDirectory => {
    let entry = dirs.get(dir);
    if (!entry) {
      entry = { dirPath: dir, children: [] };
      dirs.set(dir, entry);
      if (dir !== root && dir !== posix.dirname(dir)) ensure(posix.dirname(dir)).children.push(posix.basename(dir));
    }
    return entry;
  };
  ensure(root);
  for (const [path, data] of contents) {
    const full = posix.join(root, path);
    ensure(posix.dirname(full)).children.push({ name: posix.basename(full), data });
  }
  return new VirtualTreeContainer([...dirs.values()]);
}

/** A FileStore over in-memory files, for the snapshot builder. */
export function memoryStore(contents: ReadonlyMap<string, Buffer>, root = ROOT): FileStore {
  const tree = virtualTree(root, contents);
  const list = (dir: string): string[] => {
    if (!tree.exists(dir)) return [];
    if (!tree.isDirectory(dir)) return [dir];
    return tree.readDirectory(dir).flatMap((entry) => list(posix.join(dir, entry)));
  };
  return {
    tree,
    root,
    useFsForceIgnore: false,
    list,
    file: (treePath: string): Promise<SnapshotFile> => {
      const path = posix.relative(root, treePath);
      const bytes = contents.get(path);
      return bytes ? Promise.resolve(memoryFile(path, bytes)) : Promise.reject(new Error(`${path} is not among the in-memory files`));
    },
  };
}

export type MemorySnapshotOptions = {
  readonly registry?: RegistryAccess;
  readonly apiVersion?: string;
  readonly packageDirs?: readonly string[];
  readonly source?: SourceInfo;
};

/** A snapshot of in-memory files (`force-app/main/default/…` → text or bytes), resolved by SDR like any folder. */
export async function snapshotFromFiles(files: Readonly<Record<string, string | Buffer>> | ReadonlyMap<string, Buffer>, options: MemorySnapshotOptions = {}): Promise<Snapshot> {
  const contents = new Map<string, Buffer>();
  const entries = isFileMap(files) ? [...files.entries()] : Object.entries(files);
  for (const [path, data] of entries) contents.set(path, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  const packageDirs = options.packageDirs ?? [...new Set([...contents.keys()].map((path) => path.split('/')[0]))].sort();
  return buildSnapshot(memoryStore(contents), {
    registry: options.registry ?? new RegistryAccess(),
    source: options.source ?? { kind: 'dir', spec: 'dir:(memory)', label: '(memory)', format: 'source' },
    apiVersion: options.apiVersion ?? '62.0',
    packageDirs,
  });
}

// `instanceof Map` alone would narrow a ReadonlyMap to Map<any, any>.
function isFileMap(files: Readonly<Record<string, string | Buffer>> | ReadonlyMap<string, Buffer>): files is ReadonlyMap<string, Buffer> {
  return files instanceof Map;
}

/** Every file of a snapshot, by path, with its bytes. */
export async function snapshotContents(snapshot: Snapshot): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  for (const component of snapshot.components.values()) {
    for (const file of component.xml ? [component.xml, ...component.content] : component.content) {
      // eslint-disable-next-line no-await-in-loop
      result.set(file.path, await file.read());
    }
  }
  return result;
}
