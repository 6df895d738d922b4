/**
 * The one table of C scalar types on x86-64 (LP64, System V): their size, alignment, signedness
 * and how a harness reads them. The C importer, the harness decorators (each name is also the
 * decorator of that type: `@u32 rollno!: number`) and the analyses all read it, so a size is
 * never written down twice.
 */
export type ScalarName = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'i128' | 'u128' | 'f80';

export interface ScalarInfo {
  name: ScalarName;
  size: number;
  align: number;
  /** Integers wider than 32 bits read and write as bigint (every value stays exact). */
  bigint: boolean;
  signed: boolean;
  float: boolean;
  /** How C spells it. */
  c: string;
}

function scalar(name: ScalarName, size: number, signed: boolean, float: boolean, c: string): ScalarInfo {
  return { name, size, align: size, bigint: !float && size > 4, signed, float, c };
}

export const SCALARS: Readonly<Record<ScalarName, ScalarInfo>> = {
  u8: scalar('u8', 1, false, false, 'unsigned char'),
  u16: scalar('u16', 2, false, false, 'unsigned short'),
  u32: scalar('u32', 4, false, false, 'unsigned int'),
  u64: scalar('u64', 8, false, false, 'unsigned long'),
  i8: scalar('i8', 1, true, false, 'signed char'),
  i16: scalar('i16', 2, true, false, 'short'),
  i32: scalar('i32', 4, true, false, 'int'),
  i64: scalar('i64', 8, true, false, 'long'),
  f32: scalar('f32', 4, true, true, 'float'),
  f64: scalar('f64', 8, true, true, 'double'),
  i128: scalar('i128', 16, true, false, '__int128'),
  u128: scalar('u128', 16, false, false, 'unsigned __int128'),
  // x86-64's long double is the x87 80-bit format, stored in 16 bytes and aligned to 16.
  f80: { name: 'f80', size: 16, align: 16, bigint: false, signed: true, float: true, c: 'long double' },
};

export function isScalarName(name: string): name is ScalarName {
  return Object.prototype.hasOwnProperty.call(SCALARS, name);
}

/** Pointers are 8 bytes, 8-aligned. */
export const POINTER_SIZE = 8;
