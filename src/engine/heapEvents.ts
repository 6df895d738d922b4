/**
 * Every change the engine makes is one typed event, in order, each carrying enough to redo it
 * and to undo it (the block's size and neighbours before and after). A UI keeps them for the
 * live view and for time travel. When no listener is set the engine builds none of them.
 */
import type { HeapError } from './heapErrors';

/** How a split left the remainder of the chosen block (docs/allocator-model.md, Allocating, step 3). */
export type SplitKind = 'exact' | 'hard' | 'soft' | 'full';

export type HeapEvent =
  /** A struct was registered and got family `family`. */
  | { type: 'register'; family: number; name: string; size: number }
  /** A page was mapped: a data page of `family`, or a registry page (`family` = -1); `reused`: taken from the page reservoir, no system call. */
  | { type: 'mmap'; page: number; family: number; reused?: true }
  /** A page left its family (its only block was free) and was unmapped; `kept`: the page reservoir kept it mapped instead; `after`: the page it followed in its family's list (0: the head). */
  | { type: 'munmap'; page: number; family: number; after: number; kept?: true }
  /** A free block (meta at `block`, `before` bytes) was cut to `size`; `remainder` is the new free block's meta or 0. */
  | {
      type: 'split';
      family: number;
      block: number;
      before: number;
      size: number;
      kind: SplitKind;
      remainder: number;
      remainderSize: number;
      hardBytes: number;
    }
  /** `units` structs were allocated at data address `address` (block meta at address − 48, `size` bytes). */
  | { type: 'alloc'; family: number; address: number; units: number; size: number }
  /** The block at data address `address` was freed; `absorbed` hard-fragment bytes were taken back. */
  | { type: 'free'; family: number; address: number; size: number; absorbed: number }
  /** Free block `absorbed` (`absorbedSize` bytes) merged into its free predecessor `into` (`before` → `after` bytes). */
  | { type: 'merge'; family: number; into: number; absorbed: number; absorbedSize: number; before: number; after: number }
  /** A request failed; nothing changed. */
  | { type: 'error'; error: HeapError };

export type HeapEventListener = (event: HeapEvent) => void;
