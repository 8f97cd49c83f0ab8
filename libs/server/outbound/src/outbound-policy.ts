import { ADDRESS_RULE_LABELS, type AddressClass, type AddressRule, classify } from './address-ranges.js';
import { type Cidr, cidrContains, formatCidr, parseCidrList } from './cidr.js';
import { parseIpAddress } from './ip-address.js';

/** The setting operators list allowed internal ranges in (named in refusals so they know what to change). */
export const ALLOW_SETTING = 'OUTBOUND_ALLOW_CIDRS';

/** A connection the policy refused: which address, why, and (when known) the host name it came from. */
export class OutboundPolicyError extends Error {
  /** Like Node's system errors, so callers that switch on `code` can tell it apart. */
  readonly code = 'ERR_OUTBOUND_POLICY';

  constructor(
    /** Canonical text of the refused address. */
    readonly address: string,
    readonly rule: AddressRule | 'not-an-address',
    /** The special-purpose range that matched, e.g. `169.254.0.0/16`. */
    readonly range: string | null,
    /** The host name that resolved to `address`; undefined when the address was given literally. */
    readonly host?: string,
  ) {
    const what = rule === 'not-an-address' ? 'not an IP address' : `a ${ADDRESS_RULE_LABELS[rule]}`;
    super(
      `${host === undefined ? '' : `${host} resolves to `}${address}, ${what}${range ? ` in ${range}` : ''}: ` +
        `refused by the outbound address policy (rule ${rule}); ${ALLOW_SETTING} can allow internal ranges`,
    );
    this.name = 'OutboundPolicyError';
  }
}

/** The verdict on one address. */
export type OutboundDecision =
  { allowed: true; class: AddressClass; allowedBy: string | null } | { allowed: false; error: OutboundPolicyError };

/**
 * Where the server may open connections to addresses users gave it (webhook URLs, restream targets):
 * globally routable unicast addresses, plus the internal ranges the operator listed. Everything else
 * (loopback, private, link-local incl. 169.254.169.254, CGNAT, unique-local, multicast, unspecified,
 * broadcast, documentation, reserved) is refused, also when it hides in an IPv4-mapped, NAT64 or 6to4
 * IPv6 address. Immutable; build it once from the configuration.
 */
export class OutboundPolicy {
  private constructor(private readonly allowed: readonly Cidr[]) {}

  /** The default: no internal range allowed. */
  static strict(): OutboundPolicy {
    return new OutboundPolicy([]);
  }

  /** From OUTBOUND_ALLOW_CIDRS entries (validated at start-up); throws on an entry that is not a range. */
  static allowing(ranges: readonly string[]): OutboundPolicy {
    const parsed = parseCidrList(ranges.join(','));
    if ('invalid' in parsed) throw new Error(`${ALLOW_SETTING}: not an address range: ${parsed.invalid}`);
    return new OutboundPolicy(parsed.ranges);
  }

  /** The allowed internal ranges, canonical. */
  get allowedRanges(): string[] {
    return this.allowed.map(formatCidr);
  }

  /** Decides on one literal address; `host` names where it came from, for the error message. */
  check(addressText: string, host?: string): OutboundDecision {
    const address = parseIpAddress(addressText);
    if (!address) return { allowed: false, error: new OutboundPolicyError(addressText, 'not-an-address', null, host) };
    const verdict = classify(address);
    if (verdict.rule === null) return { allowed: true, class: verdict, allowedBy: null };
    const candidates = verdict.embeddedIPv4 ? [address, verdict.embeddedIPv4] : [address];
    const allowedBy = this.allowed.find((range) => candidates.some((candidate) => cidrContains(range, candidate)));
    if (allowedBy) return { allowed: true, class: verdict, allowedBy: formatCidr(allowedBy) };
    return { allowed: false, error: new OutboundPolicyError(verdict.address, verdict.rule, verdict.range, host) };
  }

  /** Throws the OutboundPolicyError when `check` refuses. */
  assertAllowed(addressText: string, host?: string): void {
    const decision = this.check(addressText, host);
    if (!decision.allowed) throw decision.error;
  }
}
