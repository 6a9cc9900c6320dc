/*
 * The overlay of one region: what the region never gets (exclude), XML elements it gets differently (patches),
 * text replacements (replace), named values per stage (values), and whole files (files/). Plain data, read from
 * overlays/<region>/overlay.yml by load.ts; apply.ts turns it and a Snapshot into another Snapshot.
 */

export type RuleKind = 'exclude' | 'patch' | 'replace' | 'file';

/** What every rule carries: where it is written, and when it applies. */
export type RuleBase = {
  /** `exclude[0]`, `patches[3]`, `replace[1]`, `files/force-app/…`. */
  readonly id: string;
  /** Line in overlay.yml (1-based); undefined for files/ entries and rules built in memory. */
  readonly line?: number;
  /** Only in these stages (all stages when absent). */
  readonly stages?: readonly string[];
  /** Why the region needs it (shown in reports). */
  readonly reason?: string;
};

/** Components (or children inside a parent's file, e.g. CustomLabel) the region never gets. Every given field must match. */
export type ExcludeRule = RuleBase & {
  readonly kind: 'exclude';
  /** Metadata type, exact (`Bot`, `CustomField`, `CustomLabel`). */
  readonly type?: string;
  /** Glob over the fullName (`Account.WeChat*`). */
  readonly name?: string;
  /** `Type:NameGlob`, the same as type + name. */
  readonly component?: string;
  /** Glob over project-relative paths (`force-app/main/default/bots/**`). */
  readonly path?: string;
};

export type PatchOperation =
  | { readonly op: 'set'; readonly value: string }
  | { readonly op: 'remove' }
  | { readonly op: 'add'; readonly xml: string };

/** An XML element of a component set, removed or added; addressed like diff output paths. */
export type PatchRule = RuleBase & {
  readonly kind: 'patch';
  /** `Type:fullName` of the component (`CustomObject:Account`, `NamedCredential:Payments`). */
  readonly component: string;
  /** Element address below the root element (`fields[fullName=Region__c]/label`); empty for the root itself. */
  readonly path: string;
  readonly operation: PatchOperation;
  /** What the patch was written against: the old text of a leaf, or `sha1:<hex prefix>` of the old element. */
  readonly expect?: string;
};

/** Text replacement in files, a superset of sfdx-project.json `replacements`. */
export type ReplaceRule = RuleBase & {
  readonly kind: 'replace';
  /** One exact project-relative path, or a glob. */
  readonly filename?: string;
  readonly glob?: string;
  readonly stringToReplace?: string;
  readonly regexToReplace?: string;
  /** The new text; `${NAME}` takes a value. */
  readonly replaceWith?: string;
  /** A file of the overlay folder whose content is the new text. */
  readonly replaceWithFile?: string;
  /** An environment variable holding the new text. */
  readonly replaceWithEnv?: string;
  /** With replaceWithEnv: an unset variable skips the rule instead of failing. */
  readonly allowUnsetEnvVariable?: boolean;
  /** Only when each of these environment variables has the value given. */
  readonly replaceWhenEnv?: ReadonlyArray<{ readonly env: string; readonly value: string | number | boolean }>;
};

/** One way of getting a value. */
export type ValueSource = { readonly value: string } | { readonly env: string; readonly optional?: boolean };

/** A named value: a default and per-stage overrides. `env:` values are secrets: never written into reports. */
export type ValueDefinition = {
  readonly name: string;
  readonly line?: number;
  readonly default?: ValueSource;
  readonly stages: Readonly<Record<string, ValueSource>>;
};

/** A whole file the region gets instead of (or besides) the base's, at the same project-relative path. */
export type OverlayFile = RuleBase & {
  readonly kind: 'file';
  /** Project-relative path, `/`-separated (`force-app/main/default/classes/WeChat.cls`). */
  readonly path: string;
  readonly bytes: Buffer;
};

export type Overlay = {
  /** Absolute overlay folder (holds overlay.yml and files/); undefined for an overlay built in memory. */
  readonly dir?: string;
  /** overlay.yml as shown to users. */
  readonly file: string;
  readonly exclude: readonly ExcludeRule[];
  readonly patches: readonly PatchRule[];
  readonly replace: readonly ReplaceRule[];
  readonly values: readonly ValueDefinition[];
  readonly files: readonly OverlayFile[];
  /** The project's package directories: files/ and path globs are project-relative, a bare-folder snapshot is not. */
  readonly packageDirs: readonly string[];
  /** Contents of replaceWithFile files, by the path written in the rule. */
  readonly replacementFiles: ReadonlyMap<string, string>;
};

export type RuleStatus =
  /** It changed something. */
  | 'applied'
  /** Its target already looks the way the rule wants (an applied overlay applied again). */
  | 'unchanged'
  /** Applied, but the base changed since the rule was written (`expect` no longer matches): review it. */
  | 'review'
  /** It touched nothing: the overlay is stale. */
  | 'stale'
  /** Not for this stage. */
  | 'skipped';

export type RuleReport = {
  readonly rule: string;
  readonly kind: RuleKind;
  readonly line?: number;
  readonly description: string;
  readonly status: RuleStatus;
  /** Component keys and paths it touched. */
  readonly touched: readonly string[];
  readonly message?: string;
};

export type OverlayReport = {
  readonly overlay: string;
  readonly stage?: string;
  readonly rules: readonly RuleReport[];
  /** Stale rules and rules to review, as sentences. */
  readonly warnings: readonly string[];
  readonly counts: {
    readonly rules: number;
    readonly applied: number;
    readonly unchanged: number;
    readonly review: number;
    readonly stale: number;
    readonly skipped: number;
    readonly componentsRemoved: number;
    readonly componentsChanged: number;
    readonly componentsAdded: number;
  };
};
