import picomatch from 'picomatch';
import type { Component } from '../metadata/types.js';

/** `owns` entries: path globs (project-relative) or component keys/globs (`ApexClass:WeChat*`). */
export type Ownership = {
  /** Whether a component (by key, or by any of its project-relative paths) is owned. */
  ownsComponent: (component: Component, projectPath: (path: string) => string) => string | undefined;
  /** Whether a project-relative path is owned; returns the entry that owns it. */
  ownsPath: (path: string) => string | undefined;
};

const COMPONENT_ENTRY = /^[A-Za-z][A-Za-z0-9]*:[^/]/;

export function ownership(entries: readonly string[]): Ownership {
  const components = entries.filter((entry) => COMPONENT_ENTRY.test(entry)).map((entry) => [entry, picomatch(entry, { dot: true })] as const);
  const paths = entries.filter((entry) => !COMPONENT_ENTRY.test(entry)).map((entry) => [entry, picomatch(entry, { dot: true })] as const);
  const ownsPath = (path: string): string | undefined => paths.find(([, matches]) => matches(path))?.[0];
  return {
    ownsPath,
    ownsComponent: (component, projectPath): string | undefined => {
      const byKey = components.find(([, matches]) => matches(component.key))?.[0];
      if (byKey) return byKey;
      for (const file of component.xml ? [component.xml, ...component.content] : component.content) {
        const owner = ownsPath(projectPath(file.path));
        if (owner) return owner;
      }
      return undefined;
    },
  };
}
