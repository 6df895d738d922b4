/** Errors are values: a failed request changes nothing and reports one of these. */
export type HeapErrorKind =
  | 'unregistered-struct'
  | 'too-large'
  | 'out-of-memory'
  | 'duplicate-registration'
  | 'struct-too-large'
  | 'invalid-name'
  | 'invalid-units'
  | 'invalid-free'
  | 'double-free';

export interface HeapError {
  kind: HeapErrorKind;
  message: string;
  /** The family concerned, when there is one. */
  family?: number;
  /** The address concerned (a free's argument, or the block's data address). */
  address?: number;
}
