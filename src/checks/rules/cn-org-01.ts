import { excludeFix } from '../fix.js';
import type { Rule } from '../types.js';

/** CN-ORG-01: metadata types the target org does not list in describeMetadata (needs --target-org). */
const rule: Rule = {
  id: 'CN-ORG-01',
  title: 'Metadata type the target org does not have',
  help:
    "With --target-org, the org's describeMetadata lists the types it takes. A component of a type the org does not list fails to deploy: exclude it in the overlay, " +
    'or enable the feature in the org.',
  defaultSeverity: 'error',
  bound: ['china', 'global'],
  notRunnable: (context) => (context.org ? undefined : 'needs --target-org'),
  check(context, emit) {
    const org = context.org!;
    for (const type of context.types()) {
      if (org.types.has(type)) continue;
      const components = context.byType(type);
      const first = components[0];
      const file = first.xml ?? first.content[0];
      emit({
        message: `${components.length} component(s) of type ${type} (${first.key}${components.length > 1 ? ', …' : ''}): ${org.label} does not list the type in describeMetadata.`,
        component: first.key,
        path: file?.path,
        line: file ? 1 : undefined,
        fix: excludeFix(context, `Exclude the type in the ${context.region} overlay (or enable the feature in the org):`, `${type}:*`),
      });
    }
  },
};
export default rule;
