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
