// First: Node's compile cache for the modules loaded after it (src/compile-cache.ts).
import '../../compile-cache.js';
import { Messages } from '@salesforce/core/messages';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { runDiff } from '../../compare/run-diff.js';
import type { DiffResult } from '../../compare/result.js';
import { ExitCode, withParseErrorsAsBadInput } from '../../exit-codes.js';
import { progressReporter } from '../../report/progress.js';
import { renderHuman } from '../../report/human.js';
import { renderMarkdown } from '../../report/markdown.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'federate.diff');

export type FederateDiffResult = DiffResult;

export default class FederateDiff extends SfCommand<FederateDiffResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    from: Flags.string({ summary: messages.getMessage('flags.from.summary'), required: true }),
    to: Flags.string({ summary: messages.getMessage('flags.to.summary'), required: true }),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary') }),
    'copy-sources': Flags.boolean({ summary: messages.getMessage('flags.copy-sources.summary'), dependsOn: ['output-dir'] }),
    format: Flags.option({ summary: messages.getMessage('flags.format.summary'), options: ['human', 'markdown'] as const, default: 'human' })(),
    'exit-code': Flags.boolean({ summary: messages.getMessage('flags.exit-code.summary') }),
    strict: Flags.boolean({ summary: messages.getMessage('flags.strict.summary') }),
    'api-version': Flags.orgApiVersion({ summary: messages.getMessage('flags.api-version.summary') }),
    'repo-dir': Flags.directory({ summary: messages.getMessage('flags.repo-dir.summary'), exists: true }),
    'merge-base': Flags.boolean({ summary: messages.getMessage('flags.merge-base.summary') }),
    'source-dir': Flags.string({ summary: messages.getMessage('flags.source-dir.summary'), multiple: true }),
    region: Flags.string({ summary: messages.getMessage('flags.region.summary') }),
    stage: Flags.string({ summary: messages.getMessage('flags.stage.summary'), dependsOn: ['region'] }),
    metadata: Flags.string({ char: 'm', summary: messages.getMessage('flags.metadata.summary'), multiple: true }),
    manifest: Flags.file({ char: 'x', summary: messages.getMessage('flags.manifest.summary'), exists: true }),
    'cache-ttl': Flags.integer({ summary: messages.getMessage('flags.cache-ttl.summary'), min: 0, default: 60 }),
    cache: Flags.boolean({ summary: messages.getMessage('flags.cache.summary'), default: true, allowNo: true }),
  };

  // Flags oclif refuses are bad input (exit 2), whatever exit code the host CLI gives them.
  public override async catch(error: Error): Promise<never> {
    return super.catch(withParseErrorsAsBadInput(error));
  }

  public async run(): Promise<FederateDiffResult> {
    const { flags } = await this.parse(FederateDiff);
    const progress = progressReporter(this);
    let result: DiffResult;
    try {
      result = await runDiff({
        from: flags.from,
        to: flags.to,
        cwd: process.cwd(),
        apiVersion: flags['api-version'],
        outputDir: flags['output-dir'],
        copySources: flags['copy-sources'],
        strict: flags.strict,
        repoDir: flags['repo-dir'],
        mergeBase: flags['merge-base'],
        sourceDirs: flags['source-dir'],
        region: flags.region,
        stage: flags.stage,
        metadata: flags.metadata,
        manifest: flags.manifest,
        cacheTtlMinutes: flags['cache-ttl'],
        noCache: !flags.cache,
        onProgress: progress.listener,
      });
    } finally {
      progress.stop();
    }

    for (const warning of result.warnings) this.warn(warning);
    if (!this.jsonEnabled()) {
      this.log(flags.format === 'markdown' ? renderMarkdown(result) : renderHuman(result, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
    }
    if (flags['exit-code']) {
      const counted = flags.region ? result.summary.drift ?? 0 : result.summary.total;
      if (counted > 0) process.exitCode = ExitCode.Found;
    }
    return result;
  }
}
