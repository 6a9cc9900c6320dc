import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';

/*
 * The values that flow through sf-federate: Source → Snapshot → (Overlay) → Changeset.
 * Everything here is plain data; the code that makes and consumes it lives beside it.
 */

/** `Type:fullName`, e.g. `CustomObject:Account`, `CustomField:Account.Region__c`, `CustomLabel:Greeting`. */
export type ComponentKey = string;

/**
 * One file of a snapshot. Its hash is the git blob id of its bytes (sha1 of `blob <size>\0<bytes>`), so a file read
 * from a folder and the same file read from git's object store have the same hash, and a git tree gives it for free.
 */
export type SnapshotFile = {
  /** Path relative to the snapshot's root, with `/` separators. */
  readonly path: string;
  /** Git blob id of the bytes. */
  readonly hash: string;
  /** Byte size when known without reading. */
  readonly size?: number;
  /** For bytes read from git: the top folder of the repository whose blob `hash` they are (copied without `read`). */
  readonly gitRepo?: string;
  /** For one component's files merged into one (merged-file.ts): each file as it is, the first at `path`. */
  readonly parts?: readonly SnapshotFile[];
  /** The bytes. Called only where two hashes differ, or when writing. */
  read(): Promise<Buffer>;
};

/**
 * A metadata component as SDR's registry and resolver see it, always in source format: a metadata-format folder or
 * an org retrieve is converted by SDR before it becomes a snapshot. Decomposed children that have their own file
 * (fields, record types, list views… of a CustomObject; children of a decomposed PermissionSet) are components of
 * their own with `parent` set. Children that live inside their parent's file (labels of CustomLabels, alerts of a
 * Workflow, permissions of a Profile) are not: compare reads them from the XML when the parent's hash differs.
 */
export type Component = {
  readonly key: ComponentKey;
  /** SDR registry type name (`CustomObject`, `CustomField`, `ApexClass`, `LightningComponentBundle`…). */
  readonly type: string;
  readonly fullName: string;
  /** Key of the parent for a decomposed child, e.g. `CustomObject:Account` for `CustomField:Account.Region__c`. */
  readonly parent?: ComponentKey;
  /** The component's XML: its `-meta.xml` (or, for a decomposed child, its own file). */
  readonly xml?: SnapshotFile;
  /** Every other file of the component: Apex body, LWC/Aura bundle files, static resource content… */
  readonly content: readonly SnapshotFile[];
  /** Hash over the component's own files (not its children's): equal hashes mean equal components. */
  readonly hash: string;
};

/** A file the registry could not turn into a component. It is reported, and the run goes on. */
export type UnclassifiedFile = {
  readonly path: string;
  readonly reason: string;
};

export type SourceKind = 'dir' | 'git' | 'org';

/** Where a snapshot came from, as shown to a user (never holds a secret). */
export type SourceInfo = {
  readonly kind: SourceKind;
  /** What the user typed, normalised: `dir:force-app`, `git:origin/main`, `org:china-prod`. */
  readonly spec: string;
  /** Human description: an absolute folder, `<ref> (<sha>)`, `china-prod (00D…, https://…)`. */
  readonly label: string;
  /** The format the metadata was found in, before conversion to source format. */
  readonly format: 'source' | 'metadata';
  /** For orgs: the China instance is recognised from its domain. */
  readonly instance?: 'global' | 'china';
  /** Resolved commit for git sources. */
  readonly commit?: string;
  /** Org id for org sources. */
  readonly orgId?: string;
};

/** An immutable map of components, plus what could not be read. */
export type Snapshot = {
  readonly source: SourceInfo;
  /** API version the snapshot was read for (pinned: project, flag or org, never guessed). */
  readonly apiVersion: string;
  readonly components: ReadonlyMap<ComponentKey, Component>;
  /** Parent key → keys of its decomposed children, for every parent that has some. */
  readonly children: ReadonlyMap<ComponentKey, readonly ComponentKey[]>;
  readonly unclassified: readonly UnclassifiedFile[];
  /** Package directories the paths belong to, relative to the root (`force-app`, …). `.` for a bare folder. */
  readonly packageDirs: readonly string[];
  /** The registry that classified it (a git ref read with no project around is classified by its own project's). */
  readonly registry?: RegistryAccess;
  /**
   * The sourceApiVersion of this source's own sfdx-project.json (a git ref's, a project folder's; for a source folder of
   * the project at a ref, `git:REF:pkg2`, the project's at that ref), when it sets one.
   */
  readonly projectApiVersion?: string;
  /** The text of that sfdx-project.json, when there is one (the line a check finds the version at; what a build keeps). */
  readonly projectText?: string;
  /**
   * `git:REF:PATH` of a source folder (no sfdx-project.json of its own): the absolute folder PATH is at in the
   * repository's work tree, as a `dir:` source's label is the folder read: a folder of the project the command runs in
   * is built and checked at its project paths.
   */
  readonly workTreeFolder?: string;
  /**
   * This source's `.forceignore` (its text, undefined when there is none) and what it leaves out, by path relative to
   * the root; undefined when not known (a converted metadata-format folder). A pair leaves out of the `from` side what
   * the `to` side ignores.
   */
  readonly forceIgnore?: SnapshotForceIgnore;
};

export type SnapshotForceIgnore = { readonly text: string | undefined; readonly denies: (path: string) => boolean };

/** Progress a long service reports; commands turn it into spinners and bars, services never print. */
export type ProgressEvent =
  | { readonly kind: 'phase'; readonly message: string }
  | { readonly kind: 'count'; readonly message: string; readonly done: number; readonly total?: number }
  | { readonly kind: 'warning'; readonly message: string };

export type ProgressListener = (event: ProgressEvent) => void;
