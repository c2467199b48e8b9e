/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface WrErrorOptions {
  hint?: string;
  exitCode?: ExitCodeValue;
  cause?: unknown;
}

/**
 * An error the operator can fix: it names the value that failed and, in
 * `hint`, the next command to run. Anything else that escapes a command is a
 * bug and is shown with its stack.
 */
export class WrError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;

  constructor(code: string, message: string, options: WrErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'WrError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }
}

/** A configuration or command-line mistake: exit code 2. */
export function usageError(code: string, message: string, hint?: string): WrError {
  return new WrError(code, message, { hint, exitCode: ExitCode.usage });
}

/** Returns the `code` of a Node.js system error (ENOENT, EACCES, ...), if any. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
