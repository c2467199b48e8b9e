// A self-signed certificate made at test time with the openssl command, for servers whose
// certificate a client must reject.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { notFound, startSocketIoServer, type TestServer } from './socket-servers.js';

export interface Certificate {
  key: string;
  cert: string;
}

/**
 * Creates a self-signed certificate for 127.0.0.1 and localhost, valid one
 * day. Throws naming what to install when the openssl command is missing.
 */
export function createSelfSignedCertificate(): Certificate {
  const folder = mkdtempSync(path.join(tmpdir(), 'wr-B-tls-'));
  try {
    const keyFile = path.join(folder, 'key.pem');
    const certFile = path.join(folder, 'cert.pem');
    const result = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { encoding: 'utf8' },
    );
    if (result.error) {
      throw new Error(
        `cannot run openssl to make a test certificate (${result.error.message}): install it (Debian: apt-get install openssl)`,
      );
    }
    if (result.status !== 0) {
      throw new Error(`openssl req failed with exit code ${result.status}: ${result.stderr}`);
    }
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Starts a socket.io 4 server over HTTPS with a fresh self-signed certificate. */
export async function startSelfSignedSocketIoServer(): Promise<TestServer & Certificate> {
  const certificate = createSelfSignedCertificate();
  const server = https.createServer(certificate, notFound);
  return { ...(await startSocketIoServer('v4', server)), ...certificate };
}
