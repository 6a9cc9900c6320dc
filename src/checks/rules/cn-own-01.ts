import { textFix } from '../fix.js';
import { ownership } from '../ownership.js';
import type { Rule } from '../types.js';

/** CN-OWN-01: changes on a China branch to paths the global CoE owns (needs a promotion's changed paths). */
const rule: Rule = {
  id: 'CN-OWN-01',
  title: 'China change to a path the global CoE owns',
  help:
    "In the core model the global CoE owns the shared core and the China CoE owns its region's `owns` paths. A change made on a China branch outside those paths " +
    'edits the core behind the global CoE: make the change in the global source (or the China overlay) instead. Runs inside a promotion (sf federate promote), which knows the changed paths; ' +
    'a plain check of a snapshot has no changes to judge and reports the rule as not run.',
  defaultSeverity: 'error',
  bound: ['china'],
  notRunnable: (context) => (context.changedPaths ? undefined : 'needs the changed paths of a promotion (sf federate promote)'),
  check(context, emit) {
    const owns = context.config?.regions[context.region]?.owns ?? [];
    const owned = ownership(owns);
    const packageDirs = context.snapshot.packageDirs.map((dir) => context.projectPath(dir === '.' ? '' : dir)).filter(Boolean);
    for (const path of context.changedPaths ?? []) {
      if (owned.ownsPath(path)) continue;
      const inSource = packageDirs.length === 0 || packageDirs.some((dir) => path === dir || path.startsWith(`${dir}/`));
      if (!inSource) continue;
      const component = [...context.snapshot.components.values()].find((candidate) =>
        [candidate.xml, ...candidate.content].some((file) => file && context.projectPath(file.path) === path)
      );
      if (component && owned.ownsComponent(component, context.projectPath)) continue;
      emit({
        message: `${path} is changed on a ${context.region} branch but the global CoE owns it (region ${context.region} owns: ${owns.join(', ') || 'nothing'}).`,
        component: component?.key,
        path,
        projectPath: true,
        fix: textFix(`Make the change in the global source and promote it, or express the China difference in the ${context.region} overlay (${context.overlayFile}).`),
      });
    }
  },
};
export default rule;
