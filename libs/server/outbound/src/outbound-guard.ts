import { lookup as dnsLookup } from 'node:dns';
import { connect as netConnect, type LookupFunction, Socket, type TcpNetConnectOpts } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, TLSSocket } from 'node:tls';
import { parseIpAddress } from './ip-address.js';
import { OutboundPolicy } from './outbound-policy.js';

/** One answer of a name lookup. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name (family 0: any) to its addresses. The system one asks getaddrinfo like Node does;
 * tests plug in a fixed table.
 */
export type Resolver = (hostname: string, family: 0 | 4 | 6) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname, family) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, family }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })));
    });
  });

/** A TCP connection to a user-given host: `host` and `port` required. */
export type OutboundTcpOptions = Omit<TcpNetConnectOpts, 'lookup'> & { host: string; port: number };
/** A TLS connection to a user-given host: `host` and `port` required; SNI and certificate checks use `host`. */
export type OutboundTlsOptions = Omit<ConnectionOptions, 'lookup'> & { host: string; port: number };

/**
 * Applies an OutboundPolicy where it cannot be bypassed: at connect time, on the addresses the socket is
 * about to use. Checking a URL's host when it is saved is not enough (DNS rebinding: the name can resolve
 * to a public address then and to 10.0.0.1 or 169.254.169.254 at delivery), so the name is resolved here,
 * every address is checked, and only checked addresses are handed to the socket.
 *
 * Use `lookup` with `net.connect`, `tls.connect`, `http(s).request` (plus `checkHost`: Node skips the
 * lookup for literal addresses), or `connect` / `connectTls` for raw clients such as an RTMP push.
 */
export class OutboundGuard {
  /** The `lookup` option for net/tls/http(s): resolves, then refuses if any answer is not allowed. */
  readonly lookup: LookupFunction;

  constructor(
    readonly policy: OutboundPolicy = OutboundPolicy.strict(),
    private readonly resolver: Resolver = systemResolver,
  ) {
    this.lookup = (hostname, options, callback) => {
      this.resolve(hostname, lookupFamily(options.family)).then(
        (addresses) => {
          const [first] = addresses;
          if (options.all) callback(null, addresses);
          else if (first) callback(null, first.address, first.family);
          else callback(notFound(hostname), '');
        },
        (error: NodeJS.ErrnoException) => callback(error, ''),
      );
    };
  }

  /**
   * Resolves `hostname` and checks every answer: one refused address refuses the name (a name that mixes
   * public and internal answers is an attack or a misconfiguration, and the socket may pick either).
   * A literal address is checked as it is.
   */
  async resolve(hostname: string, family: 0 | 4 | 6 = 0): Promise<ResolvedAddress[]> {
    const literal = parseIpAddress(hostname);
    if (literal) {
      this.policy.assertAllowed(hostname);
      return [{ address: hostname.replace(/^\[|\]$/g, ''), family: literal.family }];
    }
    const answers = (await this.resolver(hostname, family)).filter((a) => family === 0 || a.family === family);
    if (answers.length === 0) throw notFound(hostname);
    for (const answer of answers) this.policy.assertAllowed(answer.address, hostname);
    return answers;
  }

  /**
   * Throws OutboundPolicyError when `host` (a URL's hostname, brackets allowed) is a literal address the
   * policy refuses. Names pass: they are checked when resolved, by `lookup`.
   */
  checkHost(host: string): void {
    if (parseIpAddress(host)) this.policy.assertAllowed(host);
  }

  /** A TCP socket to a user-given host; a refusal arrives as the socket's `error` event, like any connect error. */
  connect(options: OutboundTcpOptions): Socket {
    const refusal = this.refusalOf(options.host);
    if (refusal) return failed(new Socket(), refusal);
    return netConnect({ ...options, lookup: this.lookup });
  }

  /** A TLS socket to a user-given host (e.g. rtmps://); refusals arrive as the `error` event. */
  connectTls(options: OutboundTlsOptions): TLSSocket {
    const refusal = this.refusalOf(options.host);
    if (refusal) return failed(new TLSSocket(new Socket()), refusal);
    const servername = parseIpAddress(options.host) ? undefined : options.host;
    return tlsConnect({ servername, ...options, lookup: this.lookup });
  }

  private refusalOf(host: string): Error | null {
    try {
      this.checkHost(host);
      return null;
    } catch (error) {
      return error as Error;
    }
  }
}

function lookupFamily(family: number | 'IPv4' | 'IPv6' | undefined): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}

/** Destroys `socket` with `error` on the next tick, so the caller has attached its listeners. */
function failed<T extends Socket>(socket: T, error: Error): T {
  process.nextTick(() => socket.destroy(error));
  return socket;
}
