// First: Node's compile cache for the modules loaded after it (src/compile-cache.ts).
import '../../compile-cache.js';
import { writeFileSync } from 'node:fs';
import { Messages } from '@salesforce/core/messages';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { renderCheck } from '../../checks/render.js';
import type { CheckResult } from '../../checks/result.js';
import { runCheck } from '../../checks/run-check.js';
import { ExitCode, withParseErrorsAsBadInput } from '../../exit-codes.js';
import { findProjectDir } from '../../metadata/project.js';
import { toAnnotations } from '../../report/annotations.js';
import { progressReporter } from '../../report/progress.js';
import { projectPathInRepository } from '../../report/repository-path.js';
import { toSarif } from '../../report/sarif.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'federate.check');

export type FederateCheckResult = CheckResult;

export default class FederateCheck extends SfCommand<FederateCheckResult> {
  public static override readonly summary = messages.getMessage('summary');
  public static override readonly description = messages.getMessage('description');
  public static override readonly examples = messages.getMessages('examples');

  public static override readonly flags = {
    region: Flags.string({ char: 'r', summary: messages.getMessage('flags.region.summary'), required: true }),
    source: Flags.string({ char: 's', summary: messages.getMessage('flags.source.summary') }),
    stage: Flags.string({ summary: messages.getMessage('flags.stage.summary') }),
    // eslint-disable-next-line sf-plugin/dash-o -- this is target-org, kept a string: runCheck resolves the org itself (and only when a rule needs it)
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary') }),
    format: Flags.option({ summary: messages.getMessage('flags.format.summary'), options: ['human', 'sarif'] as const, default: 'human' })(),
    'output-file': Flags.file({ char: 'f', summary: messages.getMessage('flags.output-file.summary') }),
    raw: Flags.boolean({ summary: messages.getMessage('flags.raw.summary') }),
    'api-version': Flags.orgApiVersion({ summary: messages.getMessage('flags.api-version.summary') }),
    annotations: Flags.boolean({ summary: messages.getMessage('flags.annotations.summary'), allowNo: true }),
  };

  // Flags oclif refuses are bad input (exit 2), whatever exit code the host CLI gives them.
  public override async catch(error: Error): Promise<never> {
    return super.catch(withParseErrorsAsBadInput(error));
  }

  public async run(): Promise<FederateCheckResult> {
    const { flags } = await this.parse(FederateCheck);
    const progress = progressReporter(this);
    let result: CheckResult;
    try {
      result = await runCheck({
        cwd: process.cwd(),
        region: flags.region,
        source: flags.source,
        stage: flags.stage,
        raw: flags.raw,
        apiVersion: flags['api-version'],
        targetOrg: flags['target-org'],
        onProgress: progress.listener,
      });
    } finally {
      progress.stop();
    }
    for (const warning of result.warnings) this.warn(warning);
    // Findings name files from the project folder; GitHub reads SARIF and annotations from the repository's top.
    const projectPath = projectPathInRepository(findProjectDir(process.cwd()) ?? process.cwd());
    const report =
      flags.format === 'sarif'
        ? JSON.stringify(toSarif(result, { toolVersion: FederateCheck.plugin?.version ?? this.config.pjson.version ?? '0.0.0', projectPath }), null, 2)
        : renderCheck(result, { color: !flags['output-file'] && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR });
    if (flags['output-file']) writeFileSync(flags['output-file'], `${report}\n`);
    else if (!this.jsonEnabled()) this.log(report);
    const annotate = flags.annotations ?? process.env.GITHUB_ACTIONS === 'true';
    if (annotate && !this.jsonEnabled() && (flags.format !== 'sarif' || flags['output-file'])) {
      for (const line of toAnnotations(result.findings, projectPath)) this.log(line);
    }
    if (result.exitCode === 1) process.exitCode = ExitCode.Found;
    return result;
  }
}
