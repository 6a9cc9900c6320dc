// First: Node's compile cache for the modules loaded after it (src/compile-cache.ts).
import '../../../compile-cache.js';
import { Messages } from '@salesforce/core/messages';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { runOverlayApply, type OverlayApplyResult } from '../../../overlay/run.js';
import { progressReporter } from '../../../report/progress.js';
import { withParseErrorsAsBadInput } from '../../../exit-codes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'federate.overlay.apply');

export type FederateOverlayApplyResult = OverlayApplyResult;

export default class FederateOverlayApply extends SfCommand<FederateOverlayApplyResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    region: Flags.string({ char: 'r', summary: messages.getMessage('flags.region.summary'), required: true }),
    stage: Flags.string({ summary: messages.getMessage('flags.stage.summary') }),
    source: Flags.string({ summary: messages.getMessage('flags.source.summary') }),
    'output-dir': Flags.string({ char: 'd', summary: messages.getMessage('flags.output-dir.summary'), required: true }),
    strict: Flags.boolean({ summary: messages.getMessage('flags.strict.summary') }),
    'api-version': Flags.orgApiVersion({ summary: messages.getMessage('flags.api-version.summary') }),
  };

  // Flags oclif refuses are bad input (exit 2), whatever exit code the host CLI gives them.
  public override async catch(error: Error): Promise<never> {
    return super.catch(withParseErrorsAsBadInput(error));
  }

  public async run(): Promise<FederateOverlayApplyResult> {
    const { flags } = await this.parse(FederateOverlayApply);
    const progress = progressReporter(this);
    let result: OverlayApplyResult;
    try {
      result = await runOverlayApply({
        cwd: process.cwd(),
        region: flags.region,
        stage: flags.stage,
        source: flags.source,
        outputDir: flags['output-dir'],
        strict: flags.strict,
        apiVersion: flags['api-version'],
        onProgress: progress.listener,
      });
    } finally {
      progress.stop();
    }
    for (const warning of result.warnings) this.warn(warning);
    const counts = result.report.counts;
    this.log(messages.getMessage('info.Written', [result.outputDir, result.files, result.components, result.region, result.stage ?? '-']));
    this.log(messages.getMessage('info.Counts', [counts.applied, counts.unchanged, counts.review, counts.stale, counts.skipped, counts.componentsRemoved, counts.componentsChanged, counts.componentsAdded]));
    this.table({
      data: result.report.rules.map((rule) => ({ rule: rule.line ? `${rule.rule} (line ${rule.line})` : rule.rule, status: rule.status, what: rule.description, touched: rule.touched.length })),
    });
    return result;
  }
}
