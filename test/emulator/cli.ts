/*
 * npm run emulator -- <folder> [--alias NAME] [--china] [--org-id 00D…] [--api-version 62.0]
 * Starts an org emulator on a folder (source format, a project — its package directories only —, or Metadata API
 * format with a package.xml) and prints its instance URL, access token and the sf login line. Ctrl-C stops it.
 */
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loginCommandLine } from './login.js';
import { sourcePathsOf } from './project-paths.js';
import { startEmulator } from './server.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    alias: { type: 'string', default: 'emulated' },
    china: { type: 'boolean', default: false },
    'org-id': { type: 'string' },
    'api-version': { type: 'string', default: '62.0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || positionals.length !== 1) {
  process.stdout.write('Usage: npm run emulator -- <folder> [--alias NAME] [--china] [--org-id 00D…] [--api-version 62.0]\n');
  process.exit(values.help ? 0 : 2);
}

const folder = resolve(positionals[0]);
if (!existsSync(folder) || !statSync(folder).isDirectory()) {
  process.stderr.write(`Not a folder: ${folder}\n`);
  process.exit(2);
}
const metadataFormat = existsSync(join(folder, 'package.xml'));
// What the org holds, said up front: a project gives its package directories only, not every file below it.
const { fsPaths, projectDir } = metadataFormat
  ? { fsPaths: [folder], projectDir: undefined }
  : await sourcePathsOf(folder).catch((error: Error) => {
      // e.g. a package directory sfdx-project.json lists but the folder lacks: the message says which.
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    });
const format = metadataFormat
  ? 'Metadata API format'
  : projectDir
    ? `SFDX project: package directories ${fsPaths.map((path) => relative(folder, path) || '.').join(', ')}`
    : 'source format';
const emulator = await startEmulator({
  ...(metadataFormat ? { metadataDir: folder } : { sourceDir: folder }),
  orgId: values['org-id'],
  instance: values.china ? 'china' : 'global',
  apiVersion: values['api-version'],
});

process.stdout.write(
  [
    `Org emulator for ${folder} (${format})`,
    `instance URL: ${emulator.instanceUrl}`,
    `access token: ${emulator.accessToken}`,
    `org id:       ${emulator.orgId}`,
    `username:     ${emulator.username}`,
    `metadata:     ${emulator.metadataDir} (a copy; deployments change it)`,
    '',
    'Log in with:',
    `  ${loginCommandLine(emulator, values.alias)}`,
    '',
    'Ctrl-C stops it.',
    '',
  ].join('\n')
);

const stop = (): void => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
