/**
 * The C scalar types a harness field can have, with their x86-64 (LP64) size and alignment.
 * Each one is also the field decorator of that type (`@u32 rollno!: number`) and the element
 * token of `@array(u32, 4)`, so one name serves both roles.
 */
export type ScalarName = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64';

export interface ScalarInfo {
  name: ScalarName;
  size: number;
  align: number;
  /** 64-bit integers read and write as bigint. */
  bigint: boolean;
}

export const SCALARS: Record<ScalarName, ScalarInfo> = {
  u8: { name: 'u8', size: 1, align: 1, bigint: false },
  u16: { name: 'u16', size: 2, align: 2, bigint: false },
  u32: { name: 'u32', size: 4, align: 4, bigint: false },
  u64: { name: 'u64', size: 8, align: 8, bigint: true },
  i8: { name: 'i8', size: 1, align: 1, bigint: false },
  i16: { name: 'i16', size: 2, align: 2, bigint: false },
  i32: { name: 'i32', size: 4, align: 4, bigint: false },
  i64: { name: 'i64', size: 8, align: 8, bigint: true },
  f32: { name: 'f32', size: 4, align: 4, bigint: false },
  f64: { name: 'f64', size: 8, align: 8, bigint: false },
};

/** Pointers are 8 bytes, 8-aligned. */
export const POINTER_SIZE = 8;
