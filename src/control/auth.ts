import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks an `Authorization: Bearer <token>` header against the expected
 * token. Both sides are hashed first, so the comparison takes the same time
 * whatever the length or content of the presented token.
 */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  const presented = match?.[1]?.trim() ?? '';
  const expected = createHash('sha256').update(token).digest();
  const actual = createHash('sha256').update(presented).digest();
  return timingSafeEqual(expected, actual) && presented.length > 0;
}
