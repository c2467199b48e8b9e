/**
 * The parts of the engine.io protocol that a probe needs: the polling
 * handshake and packets on an open session. Protocol 4 is engine.io 4 and
 * later (socket.io 3 and 4). Protocol 3 is engine.io 3 (socket.io 2), which
 * ignores the `EIO` query parameter and length-prefixes its polling payloads
 * (`96:0{"sid"...`). Checked against the servers of socket.io 4.8 (engine.io
 * 6.6) and socket.io 2.5 (engine.io 3.6); the protocol document is
 * https://github.com/socketio/engine.io-protocol.
 */

export type EngineProtocol = 3 | 4;

/** The open packet a server sends in response to the handshake. */
export interface OpenPacket {
  protocol: EngineProtocol;
  sid: string;
  upgrades: string[];
  /** Milliseconds between the server's pings. */
  pingInterval: number;
  /** Milliseconds the server waits for a pong before it closes the session. */
  pingTimeout: number;
  /** Largest payload the server accepts, in bytes; protocol 3 servers do not send it. */
  maxPayload: number | null;
}

/** An error body of an engine.io server, such as `{"code":1,"message":"Session ID unknown"}`. */
export interface EngineError {
  code: number;
  message: string;
}

/** Error code engine.io sends when a request names a session it does not own. */
export const unknownSessionCode = 1;
/** Error code engine.io sends for a transport it does not accept, such as polling on a websocket-only server. */
export const transportUnknownCode = 0;

/** Builds the polling URL under `base`'s origin and `path`, with the given query parameters. */
export function pollingUrl(base: URL, path: string, query: Record<string, string>): URL {
  const url = new URL(`${path.replace(/\/+$/, '')}/`, base.origin);
  for (const [name, value] of Object.entries({ ...query, transport: 'polling' })) {
    url.searchParams.set(name, value);
  }
  return url;
}

/** Parses a polling handshake body of either protocol; null when it contains no open packet. */
export function parseOpenPacket(body: string): OpenPacket | null {
  const prefixed = /^(\d+):/.exec(body);
  if (prefixed) {
    const length = Number(prefixed[1]);
    const packet = body.slice(prefixed[0].length, prefixed[0].length + length);
    return openFields(packet, 3);
  }
  // Protocol 4 separates the packets of a payload with the record separator U+001E.
  return openFields(body.split('\x1e', 1)[0] ?? '', 4);
}

function openFields(packet: string, protocol: EngineProtocol): OpenPacket | null {
  if (!packet.startsWith('0{')) return null;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(packet.slice(1)) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof data.sid !== 'string' || data.sid === '') return null;
  return {
    protocol,
    sid: data.sid,
    upgrades: Array.isArray(data.upgrades) ? data.upgrades.map(String) : [],
    pingInterval: Number(data.pingInterval) || 0,
    pingTimeout: Number(data.pingTimeout) || 0,
    maxPayload: typeof data.maxPayload === 'number' ? data.maxPayload : null,
  };
}

/** Parses an engine.io error body; null when the body is something else. */
export function parseEngineError(body: string): EngineError | null {
  try {
    const data = JSON.parse(body) as Record<string, unknown>;
    if (typeof data.code === 'number' && typeof data.message === 'string') {
      return { code: data.code, message: data.message };
    }
  } catch {
    // Not JSON, so not an engine.io error.
  }
  return null;
}

/**
 * Encodes one packet without data as a polling payload. A noop (type 6) is
 * ignored by the server, so it probes a session without touching the
 * application; close (type 1) ends the session.
 */
export function encodePacket(type: 'noop' | 'close', protocol: EngineProtocol): string {
  const packet = type === 'noop' ? '6' : '1';
  return protocol === 3 ? `${packet.length}:${packet}` : packet;
}
