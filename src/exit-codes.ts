/**
 * Exit codes every sf-federate command uses, so CI can act on them (README, "Exit codes").
 * Errors are SfErrors whose exitCode is set where they are created: messages.createError(key, tokens, actionTokens, ExitCode.X).
 */
export const ExitCode = {
  /** Done; no differences (with --exit-code) or no error-level findings. */
  Ok: 0,
  /** Done, and it found what CI should stop on: differences with --exit-code, drift, error-level findings. */
  Found: 1,
  /** Bad input: flags, paths, refs, malformed XML/YAML, configuration. Nothing was written. */
  BadInput: 2,
  /** Something outside failed: an org, the network, git, a deployment. Nothing half-written was left behind. */
  External: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A flag or argument oclif refused (an unknown flag, a value not among a flag's options) is bad input: exit 2. The sf
 * CLI configures oclif to give these 1, which would read as "found" in a CI gate; commands pass their errors through
 * this in `catch`. oclif's parse errors carry the parse they failed (`parse`).
 */
export function withParseErrorsAsBadInput<E extends Error>(error: E): E {
  if ('parse' in error && 'oclif' in error) {
    const oclif = (error as unknown as { oclif: { exit?: number } }).oclif;
    oclif.exit = ExitCode.BadInput;
  }
  return error;
}
