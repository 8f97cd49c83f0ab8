import type { Server, Socket } from 'node:net';

export interface ConnectionLimitOptions {
  /** Open connections allowed per peer address. */
  maxPerAddress: number;
  /** Peers not limited (trusted reverse proxies carry many clients' connections). */
  exempt: (peer: string) => boolean;
  /** Called for each connection closed for being over the limit. */
  onRefused: () => void;
}

/**
 * Caps open connections per peer address on a listening server: a connection past the cap is closed as
 * soon as it is accepted, before a byte is read, so one address cannot hold every socket of the node
 * (idle keep-alives, slow requests). O(1) per connection.
 */
export function limitConnectionsPerAddress(server: Server, options: ConnectionLimitOptions): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress;
    if (peer === undefined || options.exempt(peer)) return;
    const count = (open.get(peer) ?? 0) + 1;
    if (count > options.maxPerAddress) {
      options.onRefused();
      socket.destroy();
      return;
    }
    open.set(peer, count);
    socket.once('close', () => {
      const left = (open.get(peer) ?? 1) - 1;
      if (left > 0) open.set(peer, left);
      else open.delete(peer);
    });
  });
}
