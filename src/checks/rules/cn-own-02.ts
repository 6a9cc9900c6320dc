import { chinaRegions } from '../bound.js';
import { textFix } from '../fix.js';
import { CHINA_ONLY_SOURCE } from '../hosts.js';
import { ownership } from '../ownership.js';
import { matchAllInCode, textLocation } from '../support.js';
import type { Rule } from '../types.js';
import { HOST_TEXT_KINDS } from './cn-host-01.js';

const CHINA_ONLY = new RegExp(CHINA_ONLY_SOURCE, 'gi');

/** CN-OWN-02: China-only components (owned by a China region, or calling WeChat/WeCom/DingTalk/Alipay) in global-bound metadata. */
const rule: Rule = {
  id: 'CN-OWN-02',
  title: 'China-only component in global-bound metadata',
  help:
    'Components a China region owns (its `owns` in federate.yml), and code or endpoints that call China-only services (WeChat, WeCom, DingTalk, Alipay), belong to the China overlay, not to the global source: ' +
    'a global promotion would deploy them to the global org. Move them to overlays/china/files (or the China-owned paths).',
  defaultSeverity: 'error',
  bound: ['global'],
  check(context, emit) {
    for (const region of chinaRegions(context.config, context.region)) {
      const owns = context.config?.regions[region]?.owns ?? [];
      if (!owns.length) continue;
      const owned = ownership(owns);
      for (const component of context.snapshot.components.values()) {
        const entry = owned.ownsComponent(component, context.projectPath);
        if (!entry) continue;
        const file = component.xml ?? component.content[0];
        emit({
          message: `${component.key} is owned by region ${region} (${entry}) but is in the ${context.region} metadata.`,
          component: component.key,
          path: file?.path,
          line: file ? 1 : undefined,
          fix: textFix(`Move it to the ${region} overlay's files/ (or remove it from the ${context.region} source); global promotions must not carry it.`),
        });
      }
    }
  },
  text: {
    kinds: [...HOST_TEXT_KINDS, 'other-xml'],
    scan(text, file, context, emit) {
      const seen = new Set<string>();
      matchAllInCode(text, file, CHINA_ONLY, (match, position) => {
        const host = match[0].toLowerCase();
        if (seen.has(host)) return;
        seen.add(host);
        emit({
          message: `${file.component.key} calls the China-only service ${host}; it belongs to the China overlay.`,
          ...textLocation(file, position),
          fix: textFix(`Move ${file.component.key} to the China overlay's files/ (or a China-owned path); the global org must not get it.`),
        });
      });
    },
  },
};
export default rule;
