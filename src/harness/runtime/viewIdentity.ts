/**
 * One view object per pointer, as C has one value per address: reading a pointer field, `v[i]`, a
 * member or a variable's `.value` twice gives the very same object, and a read of a block's start
 * gives the view XCALLOC returned, so the harness's `a.next === b` is C's `a->next == b`.
 *
 * A view is known by its live allocation, address, struct and units: a member `s.inner` (one unit)
 * and a pointer to it (the rest of the block) are two views, as a cast to another struct is. The
 * views of a block are kept while it lives (one per unit or member reached) and dropped when it is
 * freed or moved (XREALLOC), so an alloc/free loop keeps none; a view of a freed block made after
 * its XFREE is a new object each time (C cannot compare a freed pointer either: compare
 * `addressOf(p) === addressOf(q)`).
 */
import { layoutOf, type StructInfo } from '../api/structLayout';
import { grow } from './callPaths';
import type { StructView } from './structViews';

/** Makes a view of `n` units of `info` at `x` in allocation `a` (at `o` in the page view `d`). */
export type MakeView = (info: StructInfo, d: DataView, o: number, a: number, x: number, n: number) => StructView;

/** Where a block is and how many units of its struct it has. */
export interface BlockPlaces {
  addressOf(id: number): number;
  unitsOf(id: number): number;
}

/** A view of a block other than its start's and its units', with what tells it apart from the others at its address. */
interface OtherView {
  readonly info: StructInfo;
  readonly n: number;
  readonly view: StructView;
}

/** The views of a live block besides its start's, made the first time one is asked for. */
interface InnerViews {
  readonly x: number;
  readonly n: number;
  readonly size: number;
  /** Units 1 … n − 1 of the block's struct (`v[i]`, or a pointer to the unit), by index. */
  units: (StructView | undefined)[] | undefined;
  /**
   * Per other struct, the units of the block seen as that struct from its start (a cast walked
   * with `p[i]`), by index: one slot each, where `others` keeps a list and an entry per address
   * (~350 bytes a unit walked, against ~90).
   */
  castUnits: Map<StructInfo, (StructView | undefined)[]> | undefined;
  /** Members, casts and views past the block's end, by address. */
  others: Map<number, OtherView[]> | undefined;
}

export class ViewIdentity {
  /**
   * Per allocation id, 1 + the slot of `starts` and `structs` holding its start's view (XCALLOC's)
   * and its struct while it lives; 0 for a freed block. A typed column and slots reused after a
   * free: the store grows with the live blocks, not with the run (a Map, or arrays indexed by
   * allocation id, made bench:harness's alloc/free loop 10 to 15 % slower).
   */
  private slotOf = new Int32Array(1024);
  private readonly starts: (StructView | undefined)[] = [];
  private readonly structs: (StructInfo | undefined)[] = [];
  /** Slots a freed block left, to reuse (a stack of `freeCount` of them). */
  private freeSlots = new Int32Array(64);
  private freeCount = 0;
  /** Live allocation id → its other views, for the blocks that have any. */
  private readonly inner = new Map<number, InnerViews>();
  private held = 0;

  constructor(
    private readonly make: MakeView,
    private readonly blocks: BlockPlaces,
  ) {}

  /** How many blocks have views kept: the live ones, never the freed. */
  get blocksHeld(): number {
    return this.held;
  }

  /** How many of them have views kept besides their start's (units, members, casts). */
  get blocksWithInnerViews(): number {
    return this.inner.size;
  }

  /** How many slots there are for start views: as many as blocks were ever live at once. */
  get slots(): number {
    return this.starts.length;
  }

  /** A new block's view (XCALLOC's, or a moving XREALLOC's): what a later read of its start as `info` gives. */
  adopt(a: number, info: StructInfo, view: StructView): void {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount]!;
      this.starts[slot] = view;
      this.structs[slot] = info;
    } else {
      slot = this.starts.length;
      this.starts.push(view);
      this.structs.push(info);
    }
    while (a >= this.slotOf.length) this.slotOf = grow(this.slotOf);
    this.slotOf[a] = slot + 1;
    this.held++;
  }

  /** Block `a` was freed or moved: its views are not handed out again. */
  drop(a: number): void {
    const slot = this.slotOf[a]! - 1;
    if (slot < 0) return;
    this.slotOf[a] = 0;
    this.starts[slot] = undefined;
    this.structs[slot] = undefined;
    if (this.freeCount === this.freeSlots.length) this.freeSlots = grow(this.freeSlots);
    this.freeSlots[this.freeCount++] = slot;
    this.held--;
    if (this.inner.size !== 0) this.inner.delete(a);
  }

  /** The view of live block `a`'s start as its own struct (a pointer read's common case), if `info` is that struct. */
  startView(a: number, info: StructInfo): StructView | undefined {
    const slot = this.slotOf[a]! - 1;
    return slot >= 0 && this.structs[slot] === info ? this.starts[slot] : undefined;
  }

  /** The view of `n` units of `info` at `x` in allocation `a`: the one made before while the block lives. */
  view(info: StructInfo, d: DataView, o: number, a: number, x: number, n: number): StructView {
    const slot = a >= 0 && a < this.slotOf.length ? this.slotOf[a]! - 1 : -1;
    // A poison view, or one of a freed block: nothing to be the same as.
    if (slot < 0) return this.make(info, d, o, a, x, n);
    const own = this.structs[slot]!;
    const block = this.innerViews(a, own);
    if (info === own) {
      if (x === block.x && n === block.n) return this.starts[slot]!;
      const i = block.n - n;
      if (i > 0 && i < block.n && x === block.x + i * block.size) {
        const units = (block.units ??= new Array<StructView | undefined>(block.n));
        return (units[i] ??= this.make(info, d, o, a, x, n));
      }
    }
    const castUnit = this.castUnitIndex(block, info, x, n);
    if (castUnit >= 0) {
      const casts = (block.castUnits ??= new Map());
      let units = casts.get(info);
      if (units === undefined) {
        units = [];
        casts.set(info, units);
      }
      return (units[castUnit] ??= this.make(info, d, o, a, x, n));
    }
    const others = (block.others ??= new Map());
    let atAddress = others.get(x);
    if (atAddress === undefined) {
      atAddress = [];
      others.set(x, atAddress);
    }
    for (const other of atAddress) if (other.info === info && other.n === n) return other.view;
    const view = this.make(info, d, o, a, x, n);
    atAddress.push({ info, n, view });
    return view;
  }

  /**
   * Which unit of the block seen as `info` from its start a view of `n` units at `x` is: -1 unless
   * it starts on such a unit and has as many whole units as there are from there to the block's end.
   */
  private castUnitIndex(block: InnerViews, info: StructInfo, x: number, n: number): number {
    const size = layoutOf(info).size;
    const at = x - block.x;
    const bytes = block.n * block.size;
    if (size <= 0 || at < 0 || at >= bytes || at % size !== 0) return -1;
    return n === Math.floor((bytes - at) / size) ? at / size : -1;
  }

  private innerViews(a: number, own: StructInfo): InnerViews {
    let block = this.inner.get(a);
    if (block === undefined) {
      const size = layoutOf(own).size;
      block = {
        x: this.blocks.addressOf(a),
        n: this.blocks.unitsOf(a),
        size,
        units: undefined,
        castUnits: undefined,
        others: undefined,
      };
      this.inner.set(a, block);
    }
    return block;
  }
}
