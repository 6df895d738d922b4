/**
 * The leak check: exact reachability from the roots through pointer fields, read from the
 * engine's page bytes, over allocated blocks only, and memcheck's four kinds.
 *
 * - still-reachable: reachable from a root through pointers to block starts only;
 * - possibly-lost: reachable only through chains with at least one interior pointer;
 * - definitely-lost / indirectly-lost: in the graph of unreachable blocks, every strongly
 *   connected component that no other unreachable block points into has its earliest-allocated
 *   block definitely lost; every other unreachable block is indirectly lost, and is charged to the
 *   first definitely-lost block (allocation order) that reaches it.
 *
 * Everything per block lives in typed arrays indexed by the block's position among the live
 * allocations (which is allocation order): no per-block objects, so 1,000,000 blocks stay fast.
 */
import { readPointer } from '../engine/pointers';
import { liveAllocationRecords, type AllocationRecord, type RunData, type Site, type StructLayout } from './analysisInput';
import { fieldPathAt } from './fieldPaths';
import { DEFINITELY_LOST, INDIRECTLY_LOST, LEAK_KINDS, POSSIBLY_LOST, STILL_REACHABLE, type LeakKind } from './leakKinds';
import { LiveBlockIndex, NO_BLOCK } from './liveBlockIndex';
import { ScratchArrays } from './scratchArrays';
import { StackInterner } from './siteText';
import { strongComponents } from './strongComponents';
import { matchLeakSuppression, type Suppression } from './suppressions';

export interface LeakCheckOptions {
  suppressions?: readonly Suppression[];
}

export interface BlocksAndBytes {
  blocks: number;
  bytes: number;
}

/**
 * One block on the way from a root to a record's first block. The first step is the root's
 * block (`field` is the root's label, `site` where the root was registered when known); each
 * further step is reached through `field` of the previous block (`next`, `items[2].left`, `[3].next`
 * in unit 3), and `site` is where it was allocated. `interior` marks a pointer into the block's middle.
 */
export interface RootPathStep {
  struct: string;
  field: string;
  site: Site | null;
  allocationId: number;
  interior: boolean;
}

/** Blocks of one (kind, struct, allocation stack). `bytes` is payload: units × struct size. */
export interface LossRecord {
  kind: LeakKind;
  struct: string;
  blocks: number;
  bytes: number;
  /** The innermost frame of the allocation stack (line 0 in the harness file when the stack is empty). */
  site: Site;
  stack: Site[];
  suppressed: boolean;
  suppressedBy?: string;
  /** For definitely-lost records: the indirectly-lost blocks charged to this record's blocks. */
  drags: BlocksAndBytes;
  /**
   * For still-reachable and possibly-lost records: why the first block is still reachable (empty
   * for lost ones), from the root. A path longer than 2 × ROOT_PATH_ENDS keeps its two ends.
   */
  rootPath: RootPathStep[];
  /** Steps cut from the middle of `rootPath` (absent when it is whole). */
  rootPathElided?: number;
  /** Allocation ids and data addresses of the record's first blocks (at most 16), so a UI can point at them. */
  allocationIds: number[];
  addresses: number[];
}

export type LeakSummary = Record<LeakKind, BlocksAndBytes> & { suppressed: BlocksAndBytes };

export interface SuppressionUse extends BlocksAndBytes {
  name: string;
  file: string;
  line: number;
  records: number;
}

export interface LeakCheckResult {
  /** Sorted by kind (definitely lost first), then bytes (largest first). */
  records: LossRecord[];
  /** Totals per kind of unsuppressed records, and of suppressed ones (as memcheck's LEAK SUMMARY). */
  summary: LeakSummary;
  liveBlocks: number;
  liveBytes: number;
  /** Allocation id of each live block, in allocation order, and its kind code (index into LEAK_KINDS). */
  liveIds: Int32Array;
  kinds: Uint8Array;
  suppressionsUsed: SuppressionUse[];
}

const UNSEEN = 255;
const MAX_IDS_PER_RECORD = 16;
/** Steps kept at each end of a longer path from a root (see `rootPath`). */
export const ROOT_PATH_ENDS = 16;

/** Scratch arrays kept between checks (see ScratchArrays for why). */
const scratch = new ScratchArrays();

export function checkLeaks(data: RunData, options: LeakCheckOptions = {}): LeakCheckResult {
  const { heap } = data;
  // Only live blocks are checked: an array is read as it is (a mid-run check's has only those);
  // a run's log gives its live records, so its freed millions are not made into objects.
  const allocations: readonly AllocationRecord[] = Array.isArray(data.allocations)
    ? (data.allocations as readonly AllocationRecord[])
    : liveAllocationRecords(data.allocations);
  const kernel = heap.kernel;

  // ---- live blocks, in allocation order (one pass over the records)
  const total = allocations.length;
  const livePositions = scratch.int32('live.positions', total);
  const address = scratch.float64('live.address', total);
  const bytes = scratch.int32('live.bytes', total);
  const structIndex = scratch.int32('live.struct', total);
  const stackIndex = scratch.int32('live.stack', total);
  const allocationId = scratch.int32('live.id', total);
  const interner = new StackInterner();
  const structNames: string[] = [];
  const layouts: (StructLayout | undefined)[] = [];
  const structByName = new Map<string, number>();
  const layoutByName = new Map<string, StructLayout>();
  for (const layout of data.structs) layoutByName.set(layout.name, layout);
  let n = 0;
  let edgeCapacity = 0;
  let ordered = true;
  {
    let lastName: string | null = null;
    let lastIndex = -1;
    let lastPointers = 0;
    let lastId = -1;
    let lastStack: readonly Site[] | null = null;
    let lastStackId = -1;
    for (let i = 0; i < total; i++) {
      const record = allocations[i]!;
      if (record.freeStep !== -1) continue;
      if (record.id < lastId) ordered = false;
      lastId = record.id;
      livePositions[n] = i;
      address[n] = record.address;
      bytes[n] = record.bytes;
      allocationId[n] = record.id;
      if (record.stack !== lastStack) {
        lastStack = record.stack;
        lastStackId = interner.id(lastStack);
      }
      stackIndex[n] = lastStackId;
      if (record.struct !== lastName) {
        lastName = record.struct;
        let index = structByName.get(lastName);
        if (index === undefined) {
          index = structNames.length;
          structNames.push(lastName);
          layouts.push(layoutByName.get(lastName));
          structByName.set(lastName, index);
        }
        lastIndex = index;
        lastPointers = layouts[index]?.pointerOffsets.length ?? 0;
      }
      structIndex[n] = lastIndex;
      edgeCapacity += lastPointers * record.units;
      n++;
    }
  }
  // Blocks must be in allocation order (earliest = smallest index); records normally are.
  if (!ordered) {
    const order = Array.from(livePositions.subarray(0, n)).sort((a, b) => allocations[a]!.id - allocations[b]!.id);
    for (let k = 0; k < n; k++) {
      const record = allocations[order[k]!]!;
      livePositions[k] = order[k]!;
      address[k] = record.address;
      bytes[k] = record.bytes;
      structIndex[k] = structByName.get(record.struct)!;
      allocationId[k] = record.id;
      stackIndex[k] = interner.id(record.stack);
    }
  }
  const liveIds = livePositions;
  const index = new LiveBlockIndex(kernel, address, bytes, n, scratch);

  // A pointer in block `from` stored while `from` lived, whose value was first stored before its
  // `target` was allocated (by a copy's source, for a pointer a struct copy or a realloc copied),
  // held a freed block's address (or none) that LMM gave to `target` since: it is not `target`'s,
  // as it would not be under memcheck, whose freed blocks stay out of use. Stores before `from`
  // was allocated were its earlier occupant's (its own bytes were zeroed or copied since).
  const pointerWrites = data.pointerWrites;
  const stale = (pointerAddress: number, from: number, target: number): boolean => {
    if (pointerWrites === undefined) return false;
    // The common case without a lookup: a pointer stored in `from`'s life to an older block is
    // newer than it, unless a copy gave it an older value (none older than the earliest copied).
    const t = allocationId[target]!;
    if (t <= allocationId[from]! && t < pointerWrites.earliestCopiedSince) return false;
    const writtenAt = pointerWrites.get(pointerAddress);
    if (writtenAt === undefined || writtenAt <= allocationId[from]!) return false;
    return pointerWrites.since(pointerAddress)! <= t;
  };

  // ---- pointer graph, read from the page bytes (compressed adjacency lists)
  const edgeStart = scratch.int32('edges.start', n + 1);
  const edgeTarget = scratch.int32('edges.target', edgeCapacity);
  const edgeInterior = scratch.uint8('edges.interior', edgeCapacity);
  let m = 0;
  for (let k = 0; k < n; k++) {
    edgeStart[k] = m;
    const layout = layouts[structIndex[k]!];
    if (layout === undefined || layout.pointerOffsets.length === 0) continue;
    const offsets = layout.pointerOffsets;
    const unitSize = layout.size;
    const units = allocations[liveIds[k]!]!.units;
    const start = address[k]!;
    const slot = kernel.slotOf(start);
    const view = kernel.viewOfSlot(slot);
    if (view === undefined) continue; // a record out of step with the heap: nothing to read, nothing to crash on
    const base = start - kernel.pageAddress(slot);
    for (let u = 0; u < units; u++) {
      for (let f = 0; f < offsets.length; f++) {
        const offset = u * unitSize + offsets[f]!;
        const pointer = readPointer(view, base + offset);
        if (pointer === 0) continue;
        const target = index.find(pointer);
        if (target === NO_BLOCK || stale(start + offset, k, target)) continue;
        edgeTarget[m] = target;
        edgeInterior[m] = pointer === address[target] ? 0 : 1;
        m++;
      }
    }
  }
  edgeStart[n] = m;

  // ---- reachability: start pointers only (still reachable), then any pointer (possibly lost)
  const kind = scratch.uint8('reach.kind', n, UNSEEN);
  const parent = scratch.int32('reach.parent', n); // block index, or -(root index + 2)
  const queue = scratch.int32('reach.queue', n);
  let tail = 0;
  const rootBlocks = data.roots.map((root) => index.find(root.address));
  for (let r = 0; r < rootBlocks.length; r++) {
    const b = rootBlocks[r]!;
    if (b !== NO_BLOCK && data.roots[r]!.address === address[b] && kind[b] === UNSEEN) {
      kind[b] = STILL_REACHABLE;
      parent[b] = -(r + 2);
      queue[tail++] = b;
    }
  }
  for (let head = 0; head < tail; head++) {
    const u = queue[head]!;
    for (let e = edgeStart[u]!, end = edgeStart[u + 1]!; e < end; e++) {
      const v = edgeTarget[e]!;
      if (edgeInterior[e] === 0 && kind[v] === UNSEEN) {
        kind[v] = STILL_REACHABLE;
        parent[v] = u;
        queue[tail++] = v;
      }
    }
  }
  for (let r = 0; r < rootBlocks.length; r++) {
    const b = rootBlocks[r]!;
    if (b !== NO_BLOCK && kind[b] === UNSEEN) {
      kind[b] = POSSIBLY_LOST;
      parent[b] = -(r + 2);
      queue[tail++] = b;
    }
  }
  for (let head = 0; head < tail; head++) {
    const u = queue[head]!;
    for (let e = edgeStart[u]!, end = edgeStart[u + 1]!; e < end; e++) {
      const v = edgeTarget[e]!;
      if (kind[v] === UNSEEN) {
        kind[v] = POSSIBLY_LOST;
        parent[v] = u;
        queue[tail++] = v;
      }
    }
  }

  // ---- unreachable blocks: components nobody else points into have a definitely-lost head
  const dragBlocks = scratch.int32('drags.blocks', n, 0); // charged to each definitely-lost block
  const dragBytes = scratch.float64('drags.bytes', n, 0);
  if (tail < n) {
    const { component, count } = strongComponents(n, edgeStart, edgeTarget, kind, UNSEEN, scratch);
    const pointedInto = scratch.uint8('scc.pointedInto', count, 0);
    const head = scratch.int32('scc.head', count, -1);
    for (let u = 0; u < n; u++) {
      if (kind[u] !== UNSEEN) continue;
      const c = component[u]!;
      if (head[c] === -1) head[c] = u; // blocks are in allocation order: the first seen is the earliest
      for (let e = edgeStart[u]!, end = edgeStart[u + 1]!; e < end; e++) {
        const v = edgeTarget[e]!;
        if (kind[v] === UNSEEN && component[v] !== c) pointedInto[component[v]!] = 1;
      }
    }
    for (let u = 0; u < n; u++) {
      if (kind[u] !== UNSEEN) continue;
      const c = component[u]!;
      kind[u] = pointedInto[c] === 0 && head[c] === u ? DEFINITELY_LOST : UNSEEN;
    }
    // Charge each indirectly-lost block to the first definitely-lost block that reaches it.
    for (let d = 0; d < n; d++) {
      if (kind[d] !== DEFINITELY_LOST) continue;
      tail = 0;
      queue[tail++] = d;
      for (let h = 0; h < tail; h++) {
        const u = queue[h]!;
        for (let e = edgeStart[u]!, end = edgeStart[u + 1]!; e < end; e++) {
          const v = edgeTarget[e]!;
          if (kind[v] === UNSEEN) {
            kind[v] = INDIRECTLY_LOST;
            dragBlocks[d]!++;
            dragBytes[d]! += bytes[v]!;
            queue[tail++] = v;
          }
        }
      }
    }
    // Unreachable blocks no definitely-lost block reaches cannot exist; keep the kinds total anyway.
    for (let u = 0; u < n; u++) if (kind[u] === UNSEEN) kind[u] = INDIRECTLY_LOST;
  }

  // ---- loss records by (kind, struct, allocation stack)
  const recordOf = new Map<number, number>();
  const recKind: number[] = [];
  const recStruct: number[] = [];
  const recStack: number[] = [];
  const recBlocks: number[] = [];
  const recBytes: number[] = [];
  const recDragBlocks: number[] = [];
  const recDragBytes: number[] = [];
  const recFirst: number[] = [];
  const recIds: number[][] = [];
  const recAddresses: number[][] = [];
  const unknownSite: Site = { file: data.harnessFile, line: 0, column: 0 };
  const structCount = structNames.length;
  let liveBytes = 0;
  for (let k = 0; k < n; k++) {
    const key = (stackIndex[k]! * structCount + structIndex[k]!) * 4 + kind[k]!;
    let r = recordOf.get(key);
    if (r === undefined) {
      r = recKind.length;
      recordOf.set(key, r);
      recKind.push(kind[k]!);
      recStruct.push(structIndex[k]!);
      recStack.push(stackIndex[k]!);
      recBlocks.push(0);
      recBytes.push(0);
      recDragBlocks.push(0);
      recDragBytes.push(0);
      recFirst.push(k);
      recIds.push([]);
      recAddresses.push([]);
    }
    recBlocks[r]!++;
    recBytes[r]! += bytes[k]!;
    liveBytes += bytes[k]!;
    if (kind[k] === DEFINITELY_LOST) {
      recDragBlocks[r]! += dragBlocks[k]!;
      recDragBytes[r]! += dragBytes[k]!;
    }
    const ids = recIds[r]!;
    if (ids.length < MAX_IDS_PER_RECORD) {
      ids.push(allocationId[k]!);
      recAddresses[r]!.push(address[k]!);
    }
  }

  const records: LossRecord[] = [];
  for (let r = 0; r < recKind.length; r++) {
    const stack = interner.stacks[recStack[r]!]! as Site[];
    const record: LossRecord = {
      kind: LEAK_KINDS[recKind[r]!]!,
      struct: structNames[recStruct[r]!]!,
      blocks: recBlocks[r]!,
      bytes: recBytes[r]!,
      site: stack[0] ?? unknownSite,
      stack: stack.slice(),
      suppressed: false,
      drags: { blocks: recDragBlocks[r]!, bytes: recDragBytes[r]! },
      rootPath: [],
      allocationIds: recIds[r]!,
      addresses: recAddresses[r]!,
    };
    if (recKind[r] === STILL_REACHABLE || recKind[r] === POSSIBLY_LOST) {
      const { steps, elided } = rootPath(recFirst[r]!);
      record.rootPath = steps;
      if (elided > 0) record.rootPathElided = elided;
    }
    records.push(record);
  }
  const { summary, suppressionsUsed } = applyLeakSuppressions(records, options.suppressions ?? []);
  records.sort(
    (a, b) =>
      LEAK_KINDS.indexOf(a.kind) - LEAK_KINDS.indexOf(b.kind) ||
      b.bytes - a.bytes ||
      (a.allocationIds[0] ?? 0) - (b.allocationIds[0] ?? 0),
  );
  const liveIdsOut = allocationId.slice(0, n);
  return {
    records,
    summary,
    liveBlocks: n,
    liveBytes,
    liveIds: liveIdsOut,
    kinds: kind.slice(),
    suppressionsUsed,
  };

  /**
   * The path from a root to `block`, cut to its two ends when longer than 2 × ROOT_PATH_ENDS: the
   * last node of a rooted list of 200,000 blocks is 200,000 steps from its root, and a report
   * carrying every step (tens of MB of JSON, as many lines of text) helps nobody. The walk goes
   * from the block back to its root, keeping the first ROOT_PATH_ENDS steps it meets and the
   * last ROOT_PATH_ENDS in a ring, so a long path never holds more than 2 × ROOT_PATH_ENDS steps.
   */
  function rootPath(block: number): { steps: RootPathStep[]; elided: number } {
    const nearBlock: RootPathStep[] = [];
    const nearRoot: RootPathStep[] = [];
    let walked = 0;
    const walk = {
      push(step: RootPathStep): void {
        if (walked < ROOT_PATH_ENDS) nearBlock.push(step);
        else nearRoot[(walked - ROOT_PATH_ENDS) % ROOT_PATH_ENDS] = step;
        walked++;
      },
    };
    let b = block;
    // The chain ends at a root; a guard bounds it in case of a bug rather than looping forever.
    for (let guard = 0; guard <= n; guard++) {
      const record = allocations[liveIds[b]!]!;
      const from = parent[b]!;
      if (from < 0) {
        const root = data.roots[-from - 2]!;
        walk.push({
          struct: record.struct,
          field: root.label,
          site: root.site ?? record.stack[0] ?? null,
          allocationId: record.id,
          interior: root.address !== address[b],
        });
        break;
      }
      const fromRecord = allocations[liveIds[from]!]!;
      const fromLayout = layouts[structIndex[from]!];
      // The pointer the search followed: the first one (in unit and field order) from `from` to
      // `b` — a start pointer when `b` is still reachable — as the breadth-first search saw them.
      const slot = kernel.slotOf(address[from]!);
      const view = kernel.viewOfSlot(slot);
      const base = address[from]! - kernel.pageAddress(slot);
      const startOnly = kind[b] === STILL_REACHABLE;
      let offset = -1;
      let pointer = 0;
      for (let u = 0; u < fromRecord.units && offset < 0 && fromLayout !== undefined; u++) {
        for (const fieldOffset of fromLayout.pointerOffsets) {
          const p = readPointer(view, base + u * fromLayout.size + fieldOffset);
          const at = address[from]! + u * fromLayout.size + fieldOffset;
          if (p !== 0 && index.find(p) === b && (!startOnly || p === address[b]) && !stale(at, from, b)) {
            offset = u * fromLayout.size + fieldOffset;
            pointer = p;
            break;
          }
        }
      }
      walk.push({
        struct: record.struct,
        field: fromLayout === undefined ? `+${offset}` : fieldPathAt(layoutByName, fromLayout, offset, fromRecord.units),
        site: record.stack[0] ?? null,
        allocationId: record.id,
        interior: pointer !== address[b],
      });
      b = from;
    }
    // Back in root-to-block order: the ring's oldest entry first.
    const tail = walked - ROOT_PATH_ENDS;
    const ring =
      tail <= 0
        ? []
        : nearRoot.length < ROOT_PATH_ENDS
          ? nearRoot
          : [...nearRoot.slice(tail % ROOT_PATH_ENDS), ...nearRoot.slice(0, tail % ROOT_PATH_ENDS)];
    return { steps: [...nearBlock, ...ring].reverse(), elided: Math.max(0, walked - 2 * ROOT_PATH_ENDS) };
  }
}

/**
 * Marks the records a suppression silences (clearing earlier marks) and totals them as memcheck
 * does: per kind for the unsuppressed ones, and suppressed apart. Also used to re-apply a
 * suppressions file to the result of an earlier `mm_leak_check()`.
 */
export function applyLeakSuppressions(
  records: LossRecord[],
  suppressions: readonly Suppression[],
): { summary: LeakSummary; suppressionsUsed: SuppressionUse[] } {
  const used = new Map<Suppression, SuppressionUse>();
  const summary: LeakSummary = {
    'definitely-lost': { blocks: 0, bytes: 0 },
    'indirectly-lost': { blocks: 0, bytes: 0 },
    'possibly-lost': { blocks: 0, bytes: 0 },
    'still-reachable': { blocks: 0, bytes: 0 },
    suppressed: { blocks: 0, bytes: 0 },
  };
  for (const record of records) {
    const suppression = matchLeakSuppression(suppressions, record.kind, record.struct, record.stack);
    const total = suppression === undefined ? summary[record.kind] : summary.suppressed;
    total.blocks += record.blocks;
    total.bytes += record.bytes;
    record.suppressed = suppression !== undefined;
    delete record.suppressedBy;
    if (suppression === undefined) continue;
    record.suppressedBy = suppression.name;
    let use = used.get(suppression);
    if (use === undefined) {
      use = { name: suppression.name, file: suppression.file, line: suppression.line, records: 0, blocks: 0, bytes: 0 };
      used.set(suppression, use);
    }
    use.records++;
    use.blocks += record.blocks;
    use.bytes += record.bytes;
  }
  return { summary, suppressionsUsed: [...used.values()] };
}
