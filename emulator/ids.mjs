// int64 ids (DagId, DagInstanceId, Tid, ...) handled as text and BigInt only.
//
// A JS number cannot hold every int64: 9007199254740993 silently becomes
// 9007199254740992. The emulator therefore never turns an id into a Number;
// ids are stored as canonical decimal strings ('0042' and '42' are one id).

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const DECIMAL = /^-?[0-9]+$/;

/**
 * Parses the wire form of an int64: an optional '-' then decimal digits, nothing
 * else (no '+', no spaces, no exponent, no decimal point). Returns a BigInt, or
 * null when the text is not such an integer or is outside the int64 range.
 */
export function parseInt64(text) {
  if (typeof text !== 'string' || !DECIMAL.test(text)) return null;
  // Strip leading zeros first so a megabyte of '0's costs nothing, and refuse
  // anything longer than int64's 19 digits before BigInt sees it.
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).replace(/^0+(?=[0-9])/, '');
  if (digits.length > 19) return null;
  const value = BigInt((negative ? '-' : '') + digits);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

/**
 * The canonical decimal string of an id given as a decimal string, a bigint, or
 * a safe-integer number. Throws a TypeError/RangeError otherwise: a number
 * beyond 2^53 has already lost its exact value, so it is refused rather than
 * looked up under the wrong id.
 */
export function canonicalId(value) {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`id ${value} is outside the int64 range`);
    return value.toString();
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`id ${value} is not a safe integer: pass ids beyond 2^53 as strings or bigints`);
    }
    return String(value);
  }
  if (typeof value === 'string') {
    const parsed = parseInt64(value);
    if (parsed === null) throw new TypeError(`id ${JSON.stringify(value)} is not a decimal int64`);
    return parsed.toString();
  }
  throw new TypeError(`an id must be a string, bigint or number, not ${typeof value}`);
}
