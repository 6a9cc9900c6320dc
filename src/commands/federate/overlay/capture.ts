// First: Node's compile cache for the modules loaded after it (src/compile-cache.ts).
import '../../../compile-cache.js';
import { Messages } from '@salesforce/core/messages';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { runOverlayCapture, type OverlayCaptureResult } from '../../../overlay/run.js';
import { progressReporter } from '../../../report/progress.js';
import { withParseErrorsAsBadInput } from '../../../exit-codes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'federate.overlay.capture');

export type FederateOverlayCaptureResult = OverlayCaptureResult;

export default class FederateOverlayCapture extends SfCommand<FederateOverlayCaptureResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    from: Flags.string({ summary: messages.getMessage('flags.from.summary'), required: true }),
    to: Flags.string({ summary: messages.getMessage('flags.to.summary'), required: true }),
    region: Flags.string({ char: 'r', summary: messages.getMessage('flags.region.summary'), required: true }),
    stage: Flags.string({ summary: messages.getMessage('flags.stage.summary') }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
    'api-version': Flags.orgApiVersion({ summary: messages.getMessage('flags.api-version.summary') }),
  };

  // Flags oclif refuses are bad input (exit 2), whatever exit code the host CLI gives them.
  public override async catch(error: Error): Promise<never> {
    return super.catch(withParseErrorsAsBadInput(error));
  }

  public async run(): Promise<FederateOverlayCaptureResult> {
    const { flags } = await this.parse(FederateOverlayCapture);
    const progress = progressReporter(this);
    let result: OverlayCaptureResult;
    try {
      result = await runOverlayCapture({
        cwd: process.cwd(),
        region: flags.region,
        from: flags.from,
        to: flags.to,
        stage: flags.stage,
        dryRun: flags['dry-run'],
        apiVersion: flags['api-version'],
        onProgress: progress.listener,
      });
    } finally {
      progress.stop();
    }
    if (result.rules.length === 0) this.log(messages.getMessage('info.NothingToCapture', [result.to, result.from, result.region]));
    else {
      this.log(messages.getMessage(result.dryRun ? 'info.WouldCapture' : 'info.Captured', [result.rules.length, result.overlayFile]));
      this.table({ data: result.rules.map((rule) => ({ kind: rule.kind, component: rule.component, rule: rule.description })) });
    }
    for (const line of result.unexplained) this.warn(messages.getMessage('warning.Unexplained', [line]));
    if (result.notPromoted.length) this.log(messages.getMessage('info.NotPromotedKept', [result.notPromoted.length, result.notPromoted.join('\n  ')]));
    return result;
  }
}
