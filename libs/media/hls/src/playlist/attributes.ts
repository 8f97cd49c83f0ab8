// Attribute lists (RFC 8216bis 4.2): `NAME=value,NAME="quoted value",...`, read strictly into a typed reader.
import { invalid } from './playlist-error.js';
import {
  type ByteRange,
  readByteRange,
  readFloat,
  readInteger,
  type Resolution,
  readResolution,
  readSignedFloat,
} from './values.js';

interface AttributeValue {
  text: string;
  quoted: boolean;
}

/** AttributeName: [A-Z], [0-9] and '-'. */
const NAME = /^[A-Z0-9-]+$/;
const UNQUOTED_END = /[,"\s]/;

/**
 * The attributes of one tag. Getters check the value type (a quoted-string must be quoted, an enumerated
 * string or a number must not be) and throw `playlist-tag-invalid`; unknown attributes are ignored, as
 * clients must (4.2). A name may appear once.
 */
export class AttributeList {
  private constructor(
    private readonly values: Map<string, AttributeValue>,
    private readonly tag: string,
    private readonly line: number,
  ) {}

  static parse(text: string, tag: string, line: number): AttributeList {
    const values = new Map<string, AttributeValue>();
    let at = 0;
    while (at < text.length) {
      const equals = text.indexOf('=', at);
      if (equals < 0) throw invalid(line, tag, 'attribute without a value');
      const name = text.slice(at, equals);
      if (!NAME.test(name)) throw invalid(line, tag, 'bad attribute name');
      if (values.has(name)) throw invalid(line, `${tag} ${name}`, 'attribute repeated');
      let value: AttributeValue;
      if (text[equals + 1] === '"') {
        const close = text.indexOf('"', equals + 2);
        if (close < 0) throw invalid(line, `${tag} ${name}`, 'unterminated quoted-string');
        value = { text: text.slice(equals + 2, close), quoted: true };
        at = close + 1;
      } else {
        const rest = text.slice(equals + 1);
        const end = rest.search(UNQUOTED_END);
        const length = end < 0 ? rest.length : end;
        if (length === 0 || (end >= 0 && rest[end] !== ','))
          throw invalid(line, `${tag} ${name}`, 'bad unquoted value');
        value = { text: rest.slice(0, length), quoted: false };
        at = equals + 1 + length;
      }
      values.set(name, value);
      if (at < text.length) {
        if (text[at] !== ',' || at === text.length - 1) throw invalid(line, tag, 'attributes not comma-separated');
        at++;
      }
    }
    return new AttributeList(values, tag, line);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The attribute is present as a quoted-string (for attributes that may be either, like CLOSED-CAPTIONS). */
  isQuoted(name: string): boolean {
    return this.values.get(name)?.quoted === true;
  }

  /** A quoted-string attribute. */
  string(name: string): string | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    if (!value.quoted) throw invalid(this.line, `${this.tag} ${name}`, 'must be a quoted-string');
    return value.text;
  }

  requiredString(name: string): string {
    return this.string(name) ?? this.missing(name);
  }

  /** A URI: a non-empty quoted-string. */
  uri(name = 'URI'): string | undefined {
    const uri = this.string(name);
    if (uri === '') throw invalid(this.line, `${this.tag} ${name}`, 'empty URI');
    return uri;
  }

  requiredUri(name = 'URI'): string {
    return this.uri(name) ?? this.missing(name);
  }

  /** An enumerated-string among `allowed`. */
  enumerated<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const text = this.unquoted(name);
    if (text === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(text)) throw invalid(this.line, `${this.tag} ${name}`, 'bad value');
    return text as T;
  }

  requiredEnumerated<T extends string>(name: string, allowed: readonly T[]): T {
    return this.enumerated(name, allowed) ?? this.missing(name);
  }

  /** An enumerated YES/NO as a boolean (absent: false). */
  yes(name: string): boolean {
    return this.enumerated(name, ['YES', 'NO']) === 'YES';
  }

  integer(name: string): number | undefined {
    const text = this.unquoted(name);
    return text === undefined ? undefined : readInteger(text, this.line, `${this.tag} ${name}`);
  }

  requiredInteger(name: string): number {
    return this.integer(name) ?? this.missing(name);
  }

  float(name: string): number | undefined {
    const text = this.unquoted(name);
    return text === undefined ? undefined : readFloat(text, this.line, `${this.tag} ${name}`);
  }

  requiredFloat(name: string): number {
    return this.float(name) ?? this.missing(name);
  }

  signedFloat(name: string): number | undefined {
    const text = this.unquoted(name);
    return text === undefined ? undefined : readSignedFloat(text, this.line, `${this.tag} ${name}`);
  }

  requiredSignedFloat(name: string): number {
    return this.signedFloat(name) ?? this.missing(name);
  }

  resolution(name: string): Resolution | undefined {
    const text = this.unquoted(name);
    return text === undefined ? undefined : readResolution(text, this.line, `${this.tag} ${name}`);
  }

  /** A quoted `<length>[@<offset>]` (the BYTERANGE attribute of EXT-X-MAP and EXT-X-PART). */
  byteRange(name: string): ByteRange | undefined {
    const text = this.string(name);
    return text === undefined ? undefined : readByteRange(text, this.line, `${this.tag} ${name}`);
  }

  /** Throws `playlist-tag-invalid` for a rule between attributes that the getters cannot see. */
  fail(why: string): never {
    throw invalid(this.line, this.tag, why);
  }

  private unquoted(name: string): string | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    if (value.quoted) throw invalid(this.line, `${this.tag} ${name}`, 'must not be quoted');
    return value.text;
  }

  private missing(name: string): never {
    throw invalid(this.line, this.tag, `${name} missing`);
  }
}
