import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type MeasureOptions = {
  readonly cwd?: string;
  /** Added to the current environment. */
  readonly env?: Record<string, string | undefined>;
  /** Kill the command after this long (default 30 minutes). */
  readonly timeoutMs?: number;
  /** Resolve instead of throwing when the command exits non-zero. */
  readonly allowFailure?: boolean;
};

export type Measurement = {
  /** Wall time from spawn to exit. */
  readonly wallMs: number;
  /** Peak resident set size of the command, in MiB (the largest of it and the children it waited for). */
  readonly peakRssMb: number;
  /** User + system CPU time of the command and its children (with /usr/bin/time only): steadier than wall time on a busy machine. */
  readonly cpuMs?: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** How peak memory was taken: `/usr/bin/time` (rusage of the command) or `/proc VmHWM` (polled; children not seen). */
  readonly rssSource: 'time' | 'proc';
};

const TIME = '/usr/bin/time';

/**
 * Runs `command` in its own process and measures it: wall time with a monotonic clock, peak memory from GNU time's
 * `%M` (maxrss from wait4, which covers the process and the largest of its waited-for children). Without
 * /usr/bin/time it polls /proc/PID/status VmHWM every 20 ms, which sees the process but not its children.
 */
export async function measure(command: readonly string[], options: MeasureOptions = {}): Promise<Measurement> {
  if (!command.length) throw new Error('measure: empty command');
  const useTime = existsSync(TIME);
  const scratch = mkdtempSync(join(tmpdir(), 'sf-federate-measure-'));
  const timeFile = join(scratch, 'rss');
  const argv = useTime ? [TIME, '-f', '%M %U %S', '-o', timeFile, ...command] : [...command];
  try {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let polledKb = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          polledKb = Math.max(polledKb, vmHwmKb(child.pid));
        }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30 * 60_000);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    clearTimeout(timer);
    if (poll) clearInterval(poll);
    const timed = useTime ? parseTimeOutput(existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '') : { peakKb: polledKb, cpuMs: undefined };
    const result: Measurement = {
      wallMs: Math.round(wallMs),
      peakRssMb: Math.round((timed.peakKb / 1024) * 10) / 10,
      cpuMs: timed.cpuMs,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      exitCode,
      rssSource: useTime ? 'time' : 'proc',
    };
    if (exitCode !== 0 && !options.allowFailure) {
      const tail = result.stderr.trim().split('\n').slice(-15).join('\n');
      throw new Error(`${command.join(' ')} exited with ${exitCode}:\n${tail}`);
    }
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `%M %U %S`. GNU time writes "Command exited with non-zero status N" before the format's line when the command fails. */
function parseTimeOutput(text: string): { peakKb: number; cpuMs?: number } {
  const lines = text.trim().split('\n');
  const [rss, user, system] = lines[lines.length - 1].split(' ').map(Number);
  return { peakKb: Number.isFinite(rss) ? rss : 0, cpuMs: Number.isFinite(user) && Number.isFinite(system) ? Math.round((user + system) * 1000) : undefined };
}

function vmHwmKb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The command that runs a TypeScript file with this project's Node and tsx, from any working folder:
 * `[node, --import, <tsx loader URL>, file, ...args]`.
 */
export function tsNode(file: string, ...args: string[]): string[] {
  return [process.execPath, '--import', import.meta.resolve('tsx'), file, ...args];
}

/**
 * The command that runs a TypeScript file as JavaScript: its types stripped once (Node's own `stripTypeScriptTypes`,
 * experimental in Node 22: `npm run bench` silences the warning it prints)
 * into bench/out/js/, and that file run. The measured process then starts as a plain JavaScript one: Node loads
 * its type stripper only for a `.ts` entry, about 50 ms at every start, which is the harness's cost, not the tool's.
 * The file may only use erasable syntax (types, no enums), must import compiled JavaScript, and has no relative
 * imports (the copy runs from another folder). `[node, copy, ...args]`.
 */
export function nodeJs(file: string, ...args: string[]): string[] {
  const copy = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'js', basename(file).replace(/\.ts$/, '.mjs'));
  mkdirSync(dirname(copy), { recursive: true });
  writeFileSync(copy, stripTypeScriptTypes(readFileSync(file, 'utf8')));
  return [process.execPath, copy, ...args];
}
