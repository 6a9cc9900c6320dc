import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'chai';

const ROOT = resolve(import.meta.dirname, '..');
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('package.json scripts', () => {
  it('name only files that exist (a script whose config is missing fails for whoever runs it)', () => {
    const missing: string[] = [];
    for (const [name, command] of Object.entries(scripts)) {
      // Paths to one file: config files and entry points. Globs, `dir:…` sources and flags are not, nor what `rm` removes.
      const steps = command.split('&&').map((step) => step.trim()).filter((step) => !step.startsWith('rm '));
      const files = steps.flatMap((step) => step.split(/\s+/)).filter((token) => /^\.?[\w./-]+\.(json|[cm]?[jt]s)$/.test(token) && !token.includes('*'));
      for (const file of files) if (!existsSync(join(ROOT, file))) missing.push(`${name}: ${file}`);
    }
    expect(missing).to.deep.equal([]);
  });
});
