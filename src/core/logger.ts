/** The part of pino's logger interface the core uses, so a pino logger can be passed as is. */
export interface Logger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  debug(fields: object, message?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops every entry, for callers that want no logs. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};

/** Returns the fields pino logs for an error (`err`): message and code, without the stack. */
export function errorFields(error: unknown): { err: { message: string; code?: string } } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { err: { message: error.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  return { err: { message: String(error) } };
}
