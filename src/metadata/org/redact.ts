/*
 * Access tokens never leave this layer: every message that may quote a server answer, a URL or an SDR error goes
 * through redact() before it becomes an error, a warning or a progress event.
 */

/** Salesforce session ids / access tokens: 00D + 12–15 word characters + `!` + the secret part. */
const TOKEN = /00D\w{12,15}![\w.\-~+/=]+/g;
/** Authorization headers and SOAP session ids that a transport error may echo. */
const BEARER = /\b(Bearer|OAuth)\s+[\w.\-~+/=!]{16,}/gi;
const SESSION = /<sessionId>[^<]*<\/sessionId>/gi;

export const REDACTED = '[redacted]';

export function redact(text: string, ...secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  return out
    .replace(TOKEN, (token) => `${token.slice(0, token.indexOf('!'))}!${REDACTED}`)
    .replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SESSION, `<sessionId>${REDACTED}</sessionId>`);
}

/** The text of anything thrown, redacted, on one line. */
export function errorText(error: unknown, ...secrets: ReadonlyArray<string | undefined>): string {
  const e = error as { name?: string; message?: string; errorCode?: string };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  // An empty first line falls back to the code or name (hence ||, not ??).
  // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
  return redact(message.split('\n')[0].trim() || e?.errorCode || e?.name || 'unknown error', ...secrets);
}

/** True when the error says the session is invalid, expired or revoked (and cannot be refreshed). */
export function isSessionError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; errorCode?: string };
  const text = `${e?.name ?? ''} ${e?.errorCode ?? ''} ${e?.message ?? ''}`;
  return /INVALID_SESSION_ID|Session expired or invalid|expired access\/refresh token|RefreshToken|NoAuthInfoFound|invalid_grant|AuthInfoRefresh|Unable to refresh/i.test(text);
}

/** True for errors worth trying again: the network, a timeout, a server-side failure. */
export function isTransientError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; errorCode?: string; code?: string; statusCode?: number };
  const text = `${e?.name ?? ''} ${e?.errorCode ?? ''} ${e?.code ?? ''} ${e?.message ?? ''}`;
  return (
    (typeof e?.statusCode === 'number' && e.statusCode >= 500) ||
    /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|socket hang up|other side closed|fetch failed|network|timed? ?out|UNKNOWN_EXCEPTION|SERVER_UNAVAILABLE|REQUEST_LIMIT_EXCEEDED|terminated|premature close|UND_ERR/i.test(
      text
    )
  );
}
