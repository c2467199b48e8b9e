import { isBillingStatus, type NetworkFailure } from '../../../net/failure.js';

export function pathRemedy(path: string): string {
  return `check socketService.path ("${path}") against the path option of the socket service`;
}

export function websocketRemedy(url: URL): string {
  return `let websocket upgrades through every proxy in front of ${url.host} (Upgrade and Connection headers)`;
}

/** Returns what the operator does next when the handshake fails. */
export function remedyFor(failure: NetworkFailure, url: URL, path: string): string {
  switch (failure.kind) {
    case 'dns':
      return `check the host name ${url.hostname} in socketService.url and the DNS records of the socket service`;
    case 'refused':
      return `start the socket service, or fix the port in socketService.url (${url.host})`;
    case 'tls':
      return `fix the TLS certificate of ${url.hostname} (renew it or install the full chain), or for a private CA run wr with NODE_EXTRA_CA_CERTS=<ca.pem>`;
    case 'timeout':
      return `check that the socket service at ${url.host} is running and not overloaded, and that no firewall drops the traffic`;
    case 'network':
      return `check the network path to ${url.host}`;
    case 'http':
      if (isBillingStatus(failure.status)) {
        return 'ask the administration whether the socket service host was disabled or its bill is unpaid';
      }
      if (failure.status === 404) return pathRemedy(path);
      return `check the logs of the socket service at ${url.host}`;
  }
}
