import { ExitCode } from './exit-codes.js';
import { isNodeVersionSupported, MINIMUM_NODE_VERSION } from './node-version.js';

/*
 * What an unsupported Node.js gets, from bin/run.js and the plugin's init hook, in place of undici's TypeError: one
 * line on stderr (with --json, the usual JSON error document on stdout) and exit 2. The text is in messages/node.md,
 * read with @salesforce/core's message loader from its own entry point (`@salesforce/core/messages`), which loads on
 * Node 20: the package's main entry, which loads jsforce and undici, is never imported here.
 */

/** An unsupported Node is something the user fixes before running, like bad input (README, "Exit codes"): 2. */
export const UNSUPPORTED_NODE_EXIT_CODE = ExitCode.BadInput;

export type UnsupportedNode = {
  /** The version found and the one needed. */
  readonly message: string;
  /** How to get it. */
  readonly actions: string[];
  /** Message and actions on one line, for a terminal or a CI log. */
  readonly line: string;
};

/** The error for Node.js `found` (process.versions.node). */
export async function unsupportedNode(found: string): Promise<UnsupportedNode> {
  const { Messages } = await import('@salesforce/core/messages');
  Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
  const messages = Messages.loadMessages('sf-federate', 'node');
  const message = messages.getMessage('error.UnsupportedNode', [MINIMUM_NODE_VERSION, found]);
  const actions = messages.getMessages('error.UnsupportedNode.actions');
  return { message, actions, line: [message, ...actions].join(' ') };
}

/** Whether the run asks for JSON output, as sf-plugins-core decides it (--json before any `--`, or SF_CONTENT_TYPE=JSON). */
export function wantsJson(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const flags = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  return flags.includes('--json') || env.SF_CONTENT_TYPE?.toUpperCase() === 'JSON';
}

/** The --json error document, shaped as the one of any failing sf-federate command. */
export function unsupportedNodeJson(error: UnsupportedNode): string {
  const name = 'UnsupportedNodeError';
  const exitCode = UNSUPPORTED_NODE_EXIT_CODE;
  return `${JSON.stringify({ name, message: error.message, exitCode, actions: error.actions, warnings: [], code: name, status: exitCode }, undefined, 2)}\n`;
}

/** For bin/run.js, before anything else loads: on an unsupported Node, the error and exit 2. */
export async function exitIfNodeUnsupported(found: string = process.versions.node, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (isNodeVersionSupported(found)) return;
  const error = await unsupportedNode(found);
  if (wantsJson(argv)) process.stdout.write(unsupportedNodeJson(error));
  else process.stderr.write(`Error: ${error.line}\n`);
  process.exit(UNSUPPORTED_NODE_EXIT_CODE);
}
