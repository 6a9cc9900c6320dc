import { createRequire } from 'node:module';

/**
 * fast-xml-parser, its CommonJS build: the copy SDR has loaded already. An `import` would load the ESM build beside
 * it, another dozen modules (30–40 ms of start-up here) for the same classes.
 */
const fxp = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');

export const { XMLBuilder, XMLParser, XMLValidator } = fxp;
