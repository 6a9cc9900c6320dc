import { checksFix } from '../fix.js';
import { matchAll, textLocation } from '../support.js';
import type { CheckContext, Emit, Rule } from '../types.js';

/**
 * The `__Name__c` tail of a namespaced API name (`ns__Name__c`: custom objects, fields, metadata types, events,
 * relationships…). It starts with a literal `__`, which the regex engine finds fast; the namespace before it is read
 * backwards (see namespaceBefore).
 */
const NAMESPACED_TAIL = /__[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*__(?:c|r|mdt|e|x|b|kav|chn|share|history|feed)\b/g;

/** The namespace ending at `end` (1–15 letters/digits starting with a letter, after a non-word character). */
export function namespaceBefore(text: string, end: number): string | undefined {
  let start = end;
  while (start > 0 && /[A-Za-z0-9]/.test(text[start - 1])) start--;
  if (start === end || end - start > 15 || !/[A-Za-z]/.test(text[start])) return undefined;
  if (start > 0 && /\w/.test(text[start - 1])) return undefined;
  return text.slice(start, end);
}
const NAMESPACED_NAME = /^([A-Za-z][A-Za-z0-9]{0,14})__[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*__(c|r|mdt|e|x|b|kav|chn)$/;

function fixFor(context: CheckContext, namespace: string): ReturnType<typeof checksFix> {
  return checksFix(
    context,
    `Install the package (namespace ${namespace}) in the China org from the Alibaba Cloud Marketplace and list it in installedPackages, or exclude what uses it in the ${context.region} overlay.`,
    { installedPackages: [namespace] }
  );
}

function notInstalled(context: CheckContext, namespace: string): boolean {
  return !context.installedNamespaces.has(namespace.toLowerCase());
}

function where(context: CheckContext): string {
  return context.org ? `the ${context.org.label} org` : `checks.installedPackages of region ${context.region}`;
}

/** CN-PKG-01: references to managed-package namespaces the China org does not have. */
const rule: Rule = {
  id: 'CN-PKG-01',
  title: 'Namespace not installed in the China org',
  help:
    'AppExchange packages installed globally may not exist in China (apps come from the Alibaba Cloud Marketplace). A reference to ns__Name__c, or an InstalledPackage, ' +
    'whose namespace is not listed in checks.installedPackages (or installed in --target-org) fails to deploy. List the package once it is installed in China, or exclude what uses it.',
  defaultSeverity: 'error',
  bound: ['china'],
  check(context: CheckContext, emit: Emit) {
    for (const component of context.byType('InstalledPackage')) {
      if (!notInstalled(context, component.fullName)) continue;
      emit({
        message: `${component.key}: the package ${component.fullName} is not listed as installed in ${where(context)}.`,
        component: component.key,
        path: component.xml?.path,
        line: component.xml ? 1 : undefined,
        fix: fixFor(context, component.fullName),
      });
    }
    for (const component of context.snapshot.components.values()) {
      // Any part of the name: a field of your own on a package's object (ns__Obj__c.Field__c) needs the package too,
      // as does a layout of it (ns__Obj__c-Layout).
      const namespace = component.fullName
        .split(/[.-]/)
        .map((part) => NAMESPACED_NAME.exec(part)?.[1])
        .find((found) => found !== undefined && notInstalled(context, found));
      if (!namespace) continue;
      const owner = component.fullName.split('.').pop()?.startsWith(`${namespace}__`) ? 'belongs to' : 'extends a component of';
      emit({
        message: `${component.key} ${owner} the namespace ${namespace}, not listed as installed in ${where(context)}.`,
        component: component.key,
        path: component.xml?.path ?? component.content[0]?.path,
        line: 1,
        fix: fixFor(context, namespace),
      });
    }
  },
  text: {
    kinds: 'all',
    scan(text, file, context, emit) {
      if (!text.includes('__')) return;
      const seen = new Set<string>();
      matchAll(text, NAMESPACED_TAIL, (match, position) => {
        const namespace = namespaceBefore(text, match.index);
        if (!namespace) return;
        const lower = namespace.toLowerCase();
        if (seen.has(lower) || !notInstalled(context, namespace)) return;
        seen.add(lower);
        emit({
          message: `${file.component.key} references ${namespace}${match[0]} of the namespace ${namespace}, not listed as installed in ${where(context)}.`,
          ...textLocation(file, position),
          column: position.column - namespace.length,
          fix: fixFor(context, namespace),
        });
      });
    },
  },
};
export default rule;
