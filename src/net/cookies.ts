import type { IncomingHttpHeaders } from 'node:http';

/**
 * Cookies of one probe session. Load balancers with cookie affinity route a
 * client by a cookie they set on the first response, so follow-up requests must
 * send it back the way a browser does. Attributes (path, expiry) are ignored
 * because a probe lasts seconds and talks to one origin.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Stores the cookies of a response's Set-Cookie headers. */
  store(headers: IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const pair = line.split(';', 1)[0] ?? '';
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      this.cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
  }

  /** Returns the Cookie request header for the stored cookies, or undefined when none are stored. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
