import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import type { SgdMembers, SgdResult } from '../../bench/sgd/run-sgd.js';
import { compareSnapshots } from '../../src/compare/compare.js';
import { buildManifests, type Manifests } from '../../src/compare/manifests.js';
import type { Changeset } from '../../src/compare/types.js';
import { readSourcePair } from '../../src/metadata/git/pair.js';
import { registryFor } from '../../src/metadata/registry.js';
import { readSource } from '../../src/metadata/sources/index.js';
import type { Snapshot } from '../../src/metadata/types.js';

/*
 * What the comparison with sfdx-git-delta (sgd) shares between its tests: our members for a range of commits, the
 * differences with sgd's, and the allow-list that explains the deliberate ones (docs/git.md, "Differences from
 * sfdx-git-delta").
 */

export type Difference = { readonly side: 'package' | 'destructive'; readonly only: 'ours' | 'sgd'; readonly member: string };

/** Members per manifest type: package.xml, and the destructive manifests with what could not be deleted. */
export type Members = { package: Map<string, string[]>; destructive: Map<string, string[]> };

/** Our side of a range, for allow-list entries that need more than the members. */
export type OurDelta = {
  readonly registry: RegistryAccess;
  readonly from: Snapshot;
  readonly to: Snapshot;
  readonly changeset: Changeset;
  readonly manifests: Manifests;
  readonly members: Members;
};

export type AllowEntry = {
  readonly why: string;
  readonly explains: (difference: Difference, ours: Members, registry: RegistryAccess, delta?: OurDelta, sgd?: SgdResult) => boolean;
};

export function splitMember(member: string): [string, string] {
  const colon = member.indexOf(':');
  return [member.slice(0, colon), member.slice(colon + 1)];
}

/** The child types of `type` that live inside its file (WorkflowRule in Workflow, CustomLabel in CustomLabels…). */
export function inFileChildTypes(registry: RegistryAccess, type: string): string[] {
  try {
    const children = registry.getTypeByName(type).children;
    return children ? Object.values(children.types).filter((child) => child.xmlElementName).map((child) => child.name) : [];
  } catch {
    return [];
  }
}

export const asMap = (record: SgdMembers): Map<string, string[]> => new Map(Object.entries(record));
export const flatten = (map: Map<string, string[]>): Set<string> => new Set([...map].flatMap(([type, names]) => names.map((name) => `${type}:${name}`)));

/** The container of a changed in-file child: sgd lists it, we list only the child. */
export const CONTAINER_OF_CHANGED_CHILD: AllowEntry = {
  why: 'sgd also lists the container (Workflow:Case, SharingRules:Account) of a changed in-file child; sf-federate lists only the children that changed (WorkflowRule:Case.X), which the Metadata API deploys on their own — listing the container would deploy every rule it holds',
  explains: (difference, ours, registry): boolean => {
    if (difference.side !== 'package' || difference.only !== 'sgd') return false;
    const [type, name] = splitMember(difference.member);
    const childTypes = inFileChildTypes(registry, type);
    return childTypes.length > 0 && childTypes.some((child) => (ours.package.get(child) ?? []).some((member) => member.startsWith(`${name}.`)));
  },
};

/**
 * Our delta between two commits of the repository at `dir`, as `sf federate diff --from git:A --to git:B` computes it.
 * Removals the Metadata API cannot delete are reported, not listed; sgd lists them: they are counted with the
 * destructive members, so that what was removed is compared.
 */
export async function ourDelta(dir: string, from: string, to: string): Promise<OurDelta> {
  const registry = registryFor(dir);
  const [a, b] = await readSourcePair({ kind: 'git', value: from, guessed: false }, { kind: 'git', value: to, guessed: false }, { apiVersion: '62.0', projectDir: dir });
  const changeset = await compareSnapshots(a, b, { registry });
  const manifests = buildManifests(changeset, { apiVersion: '62.0', registry });
  const destructive = new Map<string, string[]>();
  for (const part of [manifests.members.destructiveChangesPre, manifests.members.destructiveChangesPost]) {
    for (const [type, names] of Object.entries(part)) destructive.set(type, [...(destructive.get(type) ?? []), ...names]);
  }
  for (const item of manifests.notDeletable) destructive.set(item.type, [...(destructive.get(item.type) ?? []), item.fullName]);
  return { registry, from: a, to: b, changeset, manifests, members: { package: new Map(Object.entries(manifests.members.package)), destructive } };
}

/**
 * The changes of a range as the whole trees of both commits give them (every file resolved), for the check that the
 * changed-paths-only read (readSourcePair) compares exactly as they do.
 */
export async function wholeTreeChanges(dir: string, from: string, to: string): Promise<Changeset> {
  const options = { apiVersion: '62.0', projectDir: dir };
  const [a, b] = await Promise.all([readSource({ kind: 'git', value: from, guessed: false }, options), readSource({ kind: 'git', value: to, guessed: false }, options)]);
  return compareSnapshots(a, b, { registry: registryFor(dir) });
}

/** Every member one side lists and the other does not, package.xml and destructive apart. */
export function differencesWith(ours: Members, sgd: SgdResult): Difference[] {
  const differences: Difference[] = [];
  const collect = (side: Difference['side'], mine: Set<string>, theirs: Set<string>): void => {
    for (const member of mine) if (!theirs.has(member)) differences.push({ side, only: 'ours', member });
    for (const member of theirs) if (!mine.has(member)) differences.push({ side, only: 'sgd', member });
  };
  collect('package', flatten(ours.package), flatten(asMap(sgd.package)));
  collect('destructive', flatten(ours.destructive), flatten(asMap(sgd.destructiveChanges)));
  return differences;
}

/** The differences no entry of the allow-list explains. */
export function unexplained(differences: readonly Difference[], allowed: readonly AllowEntry[], delta: OurDelta, sgd?: SgdResult): Difference[] {
  return differences.filter((difference) => !allowed.some((entry) => entry.explains(difference, delta.members, delta.registry, delta, sgd)));
}
