/**
 * How views read and write the C types that are not one DataView call: bit-fields (their bits
 * inside the bytes they span), enums (4 or 8 bytes, signed or not), `__int128` (two 64-bit
 * halves, as bigint) and `long double` (x87's 80-bit format, read and written as a double).
 * Reads never throw; writes keep what C keeps (a bit-field its low bits).
 */
import type { FieldType, IntegerInfo } from '../api/fieldTypes';

export type Reader = (d: DataView, o: number) => unknown;
export type Writer = (d: DataView, o: number, value: unknown) => void;

/** Readers of the enum and wide scalar types, or undefined for the types `structViews` reads itself. */
export function wideReader(type: FieldType): Reader | undefined {
  if (type.kind === 'enum') return enumReader(type.int);
  if (type.kind !== 'scalar') return undefined;
  switch (type.scalar.name) {
    case 'i128':
      return (d, o) => (d.getBigInt64(o + 8, true) << 64n) | d.getBigUint64(o, true);
    case 'u128':
      return (d, o) => (d.getBigUint64(o + 8, true) << 64n) | d.getBigUint64(o, true);
    case 'f80':
      return readLongDouble;
    default:
      return undefined;
  }
}

export function wideWriter(type: FieldType): Writer | undefined {
  if (type.kind === 'enum') return enumWriter(type.int);
  if (type.kind !== 'scalar') return undefined;
  switch (type.scalar.name) {
    case 'i128':
    case 'u128':
      return (d, o, v) => {
        const raw = BigInt.asUintN(128, integerOf(v));
        d.setBigUint64(o, BigInt.asUintN(64, raw), true);
        d.setBigUint64(o + 8, raw >> 64n, true);
      };
    case 'f80':
      return (d, o, v) => writeLongDouble(d, o, Number(v));
    default:
      return undefined;
  }
}

function enumReader(int: IntegerInfo): Reader {
  if (int.size === 4) {
    const read = int.signed ? (d: DataView, o: number) => d.getInt32(o, true) : (d: DataView, o: number) => d.getUint32(o, true);
    return int.bigint ? (d, o) => BigInt(read(d, o)) : read;
  }
  const read = int.signed
    ? (d: DataView, o: number) => d.getBigInt64(o, true)
    : (d: DataView, o: number) => d.getBigUint64(o, true);
  return int.bigint ? read : (d, o) => Number(read(d, o));
}

function enumWriter(int: IntegerInfo): Writer {
  if (int.size === 4) return (d, o, v) => d.setUint32(o, Number(BigInt.asUintN(32, integerOf(v))), true);
  return (d, o, v) => d.setBigUint64(o, BigInt.asUintN(64, integerOf(v)), true);
}

/** A value as a C integer: bigint as is, a number truncated, anything else 0. */
function integerOf(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  const n = Number(value);
  return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
}

/**
 * The reader and writer of a bit-field whose first bit is `shift` bits into the byte at the
 * offset they are given (0–7), `width` bits wide, stored as `int`.
 */
export function bitFieldAccess(int: IntegerInfo, width: number, shift: number): { read: Reader; write: Writer } {
  const bytes = Math.ceil((shift + width) / 8);
  const fieldMask = (1n << BigInt(width)) - 1n;
  const mask = fieldMask << BigInt(shift);
  const small = bytes <= 6; // every bit below 2^48 is exact in a number
  const read: Reader = (d, o) => {
    let value: bigint;
    if (small) {
      let raw = 0;
      for (let i = bytes - 1; i >= 0; i--) raw = raw * 256 + d.getUint8(o + i);
      let field = Math.floor(raw / 2 ** shift) % 2 ** width;
      if (int.signed && field >= 2 ** (width - 1)) field -= 2 ** width;
      if (!int.bigint) return field;
      value = BigInt(field);
    } else {
      const field = (readBytes(d, o, bytes) >> BigInt(shift)) & fieldMask;
      value = int.signed ? BigInt.asIntN(width, field) : field;
    }
    return int.bigint ? value : Number(value);
  };
  const write: Writer = (d, o, v) => {
    const field = BigInt.asUintN(width, integerOf(v));
    const merged = (readBytes(d, o, bytes) & ~mask) | (field << BigInt(shift));
    for (let i = 0; i < bytes; i++) d.setUint8(o + i, Number((merged >> BigInt(8 * i)) & 255n));
  };
  return { read, write };
}

function readBytes(d: DataView, o: number, bytes: number): bigint {
  let raw = 0n;
  for (let i = bytes - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(d.getUint8(o + i));
  return raw;
}

const F64 = new DataView(new ArrayBuffer(8));

/** x87 extended precision (64-bit mantissa with its integer bit, 15-bit exponent) → the nearest double. */
function readLongDouble(d: DataView, o: number): number {
  const mantissa = d.getBigUint64(o, true);
  const top = d.getUint16(o + 8, true);
  const sign = top & 0x8000 ? -1 : 1;
  const exponent = top & 0x7fff;
  if (exponent === 0x7fff) return (mantissa & ((1n << 63n) - 1n)) === 0n ? sign * Infinity : NaN;
  if (mantissa === 0n) return sign * 0;
  // value = mantissa · 2^(exponent − 16383 − 63), scaled in steps so no step leaves the double range early.
  let value = Number(mantissa) * 2 ** -63;
  let scale = (exponent === 0 ? 1 : exponent) - 16383;
  while (scale > 1000) {
    value *= 2 ** 1000;
    scale -= 1000;
  }
  while (scale < -1000) {
    value *= 2 ** -1000;
    scale += 1000;
  }
  return sign * value * 2 ** scale;
}

/** A double → x87 extended precision (exact: every double is an 80-bit value). */
function writeLongDouble(d: DataView, o: number, value: number): void {
  F64.setFloat64(0, value);
  const bits = F64.getBigUint64(0);
  const sign = Number(bits >> 63n) << 15;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  let mantissa: bigint;
  let top: number;
  if (exponent === 0x7ff) {
    mantissa = fraction === 0n ? 1n << 63n : 3n << 62n;
    top = 0x7fff;
  } else if (exponent === 0) {
    if (fraction === 0n) {
      mantissa = 0n;
      top = 0;
    } else {
      // A subnormal double is a normal long double: shift its leading 1 into the integer bit.
      const lead = fraction.toString(2).length - 1;
      mantissa = fraction << BigInt(63 - lead);
      top = lead - 1074 + 16383;
    }
  } else {
    mantissa = (1n << 63n) | (fraction << 11n);
    top = exponent - 1023 + 16383;
  }
  d.setBigUint64(o, mantissa, true);
  d.setUint16(o + 8, sign | top, true);
}
