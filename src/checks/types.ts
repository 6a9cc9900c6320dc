/*
 * Readiness checks: rules (one module each, in ./rules), the findings they raise, and what the engine hands them.
 * Plain data; engine.ts runs the rules, settings.ts applies federate.yml's `checks` block to what they found.
 */
import type { Component, ComponentKey, Snapshot } from '../metadata/types.js';
import type { FederateConfig, StageConfig } from '../pipeline/config.js';
import type { ProjectFile } from '../metadata/project.js';
import type { ScannedXml } from './xml-scan.js';
import type { HostPolicy } from './hosts.js';

export type Severity = 'info' | 'warn' | 'error';

/** Which instance metadata is bound for: the China org (Salesforce on Alibaba Cloud) or the global one. */
export type Bound = 'china' | 'global';

/** A fix a person can act on: a sentence, and often a snippet ready to paste (overlay.yml YAML, federate.yml YAML). */
export type Fix = {
  readonly text: string;
  /** Text to paste, e.g. a `patches:` entry for overlays/china/overlay.yml. */
  readonly snippet?: string;
  /** Where the snippet goes (`overlays/china/overlay.yml`, `federate.yml`). */
  readonly snippetFile?: string;
};

/** What a rule raises. */
export type RawFinding = {
  readonly message: string;
  /** Component the finding is about (`NamedCredential:Payments`), when there is one. */
  readonly component?: ComponentKey;
  /** Path relative to the snapshot root (rules), or to the project (config rules, with `projectPath: true`). */
  readonly path?: string;
  /** The path is already project-relative (federate.yml, sfdx-project.json). */
  readonly projectPath?: boolean;
  readonly line?: number;
  readonly column?: number;
  /** Severity of this finding when the rule's depends on it (CN-API-01, CN-CBDT-01); the configured one wins. */
  readonly severity?: Severity;
  readonly fix?: Fix;
};

/** A finding as reported: the rule, its effective severity, and a project-relative location. */
export type Finding = {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly component?: ComponentKey;
  /** Project-relative, `/`-separated. */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  readonly fix?: Fix;
};

/** Facts asked of the target org (--target-org). */
export type OrgFacts = {
  /** Username or alias shown to users. */
  readonly label: string;
  /** Metadata types the org's describeMetadata lists (with child types). */
  readonly types: ReadonlySet<string>;
  /** Namespaces of the packages installed in the org. */
  readonly namespaces: ReadonlySet<string>;
  /** Highest API version the org serves ("62.0"). */
  readonly maxApiVersion: string;
};

/** One file of the snapshot, classified once for the text rules. */
export type TextFile = {
  /** Snapshot-relative path. */
  readonly path: string;
  readonly component: Component;
  readonly kind: FileKind;
  /** Whether it is the component's XML (`-meta.xml` or a decomposed child's file). */
  readonly isXml: boolean;
};

export type FileKind =
  | 'apex'
  | 'trigger'
  | 'lwc-js'
  | 'aura-js'
  | 'flow'
  | 'labels'
  | 'custom-metadata'
  | 'email'
  | 'field'
  | 'validation-rule'
  | 'workflow'
  | 'other-xml'
  | 'other'
  /** Static resources, documents, certificates: never scanned as text. */
  | 'binary';

/** Everything a rule may look at. Built once per run by the engine. */
export type CheckContext = {
  /** The snapshot checked: after the region overlay (what the org will get), or the base with --raw. */
  readonly snapshot: Snapshot;
  /** The snapshot before the overlay, when one was applied (to see what the overlay did not change). */
  readonly base?: Snapshot;
  readonly region: string;
  readonly bound: Bound;
  /** Stage the check is for (--stage), with its name. */
  readonly stage?: StageConfig & { readonly name: string };
  /** Whether the stage is a production stage (the end of its region's chain). */
  readonly production: boolean;
  readonly config?: FederateConfig;
  readonly project?: ProjectFile;
  /** Raw text of federate.yml and sfdx-project.json, for line numbers. */
  readonly configText?: string;
  readonly projectText?: string;
  /**
   * The sfdx-project.json whose sourceApiVersion the checked source is deployed with (CN-API-01): the source's own (a
   * git ref's, another project folder's) when it sets one, else the project's. `path` is project-relative.
   */
  readonly sourceProject?: { readonly path: string; readonly sourceApiVersion: string; readonly text?: string };
  /**
   * The sfdx-project.json the checked source is deployed with (CN-CFG-01's sfdcLoginUrl): the source's own or its
   * project's at the ref (a git ref's, another project folder's), else the project's. `path` is project-relative.
   */
  readonly deployedProject?: { readonly path: string; readonly text: string; readonly sfdcLoginUrl?: string };
  /** Hosts endpoints may point at without a cross-border finding. */
  readonly hosts: HostPolicy;
  /** Namespaces installed in the region's org (configured, plus the org's with --target-org), and the project's own. */
  readonly installedNamespaces: ReadonlySet<string>;
  readonly org?: OrgFacts;
  /** Overlay file the fixes point at (`overlays/china/overlay.yml`). */
  readonly overlayFile: string;
  /** Changed paths in a promotion (project-relative), for the ownership rules; absent outside a promotion. */
  readonly changedPaths?: readonly string[];
  /** Environment (SF_AUDIENCE_URL…). */
  readonly env: NodeJS.ProcessEnv;
  /** A snapshot path as the project (and overlay `filename`) spells it (a function property: rules pass it around). */
  projectPath: (path: string) => string;
  /** Components by type, built once. */
  byType(type: string): readonly Component[];
  /** Types present in the snapshot. */
  types(): readonly string[];
  /** A component's XML, read and scanned once (cached); undefined when it has none or it is unparseable (CN-XML-01 reports that). */
  xmlOf(component: Component): Promise<ScannedXml | undefined>;
  /** A file's text (cached for the run's XML files only). */
  textOf(path: string): Promise<string>;
  /** The component a key names, in the checked snapshot. */
  component(key: ComponentKey): Component | undefined;
};

/** Emits a finding. */
export type Emit = (finding: RawFinding) => void;

/** A text rule: sees each file of the kinds it asks for, once, with its text. */
export type TextScanner = {
  readonly kinds: readonly FileKind[] | 'all';
  scan(text: string, file: TextFile, context: CheckContext, emit: Emit): void;
};

export type Rule = {
  /** Stable id (`CN-HOST-01`). */
  readonly id: string;
  /** One line: what the rule flags. */
  readonly title: string;
  /** What it looks at and why it matters (SARIF help, docs). */
  readonly help: string;
  readonly defaultSeverity: Severity;
  /** The instances the rule applies to. */
  readonly bound: readonly Bound[];
  /** Text rules: run over files, every file read once for every text rule. */
  text?: TextScanner;
  /** Why the rule cannot run in this context (needs a promotion, needs --target-org); undefined when it can. */
  notRunnable?(context: CheckContext): string | undefined;
  /** Component or project rules: run once. */
  check?(context: CheckContext, emit: Emit): Promise<void> | void;
};
