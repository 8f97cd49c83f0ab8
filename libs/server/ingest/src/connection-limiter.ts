import { LinkedQueue, type QueueNode } from './linked-queue.js';

/** Which cap a new connection met (also the `limit` label of the shed counter). */
export type ConnectionLimit = 'max_connections' | 'max_connections_per_ip';

/** One admitted connection's claim on the limits, from accept until release. */
export class ConnectionSlot {
  /** Set once its publish is accepted: from then on it is never shed. */
  authorized = false;
  released = false;
  /** Its places among the connections not yet authorized: of its address, and of all addresses. */
  atAddress: QueueNode<ConnectionSlot> | undefined;
  overall: QueueNode<ConnectionSlot> | undefined;

  constructor(readonly address: string) {}
}

/** A connection released to make room for a new one; the caller closes it. */
export interface ShedConnection {
  slot: ConnectionSlot;
  limit: ConnectionLimit;
}

export type Admission = { slot: ConnectionSlot; shed: ShedConnection[] } | { refused: ConnectionLimit };

interface AddressEntry {
  open: number;
  unauthorized: LinkedQueue<ConnectionSlot>;
}

/**
 * Admission control for TCP connections: a global cap and a per-address cap. At a cap, the oldest
 * connection that has not been authorized yet (handshake or publish still pending) gives up its slot to
 * the new one, so sockets that never get anywhere cannot lock a real encoder behind the same NAT out
 * for the handshake timeout. An authorized publisher is never shed: when every slot is held by one, the
 * new connection is refused. Pure bookkeeping, O(1) per call (linked lists, no scans).
 */
export class ConnectionLimiter {
  private total = 0;
  private readonly perAddress = new Map<string, AddressEntry>();
  private readonly unauthorized = new LinkedQueue<ConnectionSlot>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Claims a slot for a new connection from `address`, shedding at most one unauthorized connection per cap. */
  admit(address: string): Admission {
    const shed: ShedConnection[] = [];
    const entry = this.perAddress.get(address);
    if (entry && entry.open >= this.maxPerAddress) {
      const victim = entry.unauthorized.first();
      if (!victim) return { refused: 'max_connections_per_ip' };
      this.release(victim);
      shed.push({ slot: victim, limit: 'max_connections_per_ip' });
    }
    // Shedding at the address freed a slot of the total too, so this sheds only when the address had room.
    if (this.total >= this.maxTotal) {
      const victim = this.unauthorized.first();
      if (!victim) return { refused: 'max_connections' };
      this.release(victim);
      shed.push({ slot: victim, limit: 'max_connections' });
    }
    const slot = new ConnectionSlot(address);
    const current = this.perAddress.get(address) ?? this.newEntry(address);
    current.open++;
    this.total++;
    slot.atAddress = current.unauthorized.push(slot);
    slot.overall = this.unauthorized.push(slot);
    return { slot, shed };
  }

  /** The connection's publish was accepted: it keeps its slot until it closes. */
  authorize(slot: ConnectionSlot): void {
    if (slot.released || slot.authorized) return;
    this.unlink(slot);
    slot.authorized = true;
  }

  /** Gives the slot back (the connection closed, or was shed); a second call does nothing. */
  release(slot: ConnectionSlot): void {
    if (slot.released) return;
    slot.released = true;
    if (!slot.authorized) this.unlink(slot);
    const entry = this.perAddress.get(slot.address);
    if (!entry) return;
    this.total--;
    if (--entry.open === 0) this.perAddress.delete(slot.address);
  }

  get open(): number {
    return this.total;
  }

  /** Connections not yet authorized (the ones that may be shed). */
  get pending(): number {
    return this.unauthorized.size;
  }

  private newEntry(address: string): AddressEntry {
    const entry: AddressEntry = { open: 0, unauthorized: new LinkedQueue() };
    this.perAddress.set(address, entry);
    return entry;
  }

  private unlink(slot: ConnectionSlot): void {
    if (slot.atAddress) this.perAddress.get(slot.address)?.unauthorized.remove(slot.atAddress);
    if (slot.overall) this.unauthorized.remove(slot.overall);
    slot.atAddress = slot.overall = undefined;
  }
}
