/**
 * Replays a workload on a policy the way the CS:APP malloc-lab driver does: a correctness pass
 * that writes a pattern into every payload at allocation and checks it at realloc and free,
 * measuring utilization = peak live payload (bytes requested) ÷ peak mapped bytes; then a
 * separate timing pass without any check for throughput (Kops/s).
 */
import { monotonicMs } from '../engine/hostGlobals';
import type { PolicyStatistics } from './allocatorPolicy';
import { WorkOp, type Workload } from './workload';

/** What the driver needs of an allocator: every policy, and outside baselines in the benchmark. */
export interface ReplayTarget {
  readonly name: string;
  readonly maxRequest: number;
  lastError: string | null;
  registerFamily(name: string, size: number): number;
  allocate(bytes: number, family?: number, units?: number): number;
  free(address: number): boolean;
  realloc(address: number, bytes: number): number;
  payload(address: number, length: number): Uint8Array;
  statistics(): PolicyStatistics;
  check?(): string[];
  dispose?(): void;
}

export interface ReplayReport {
  trace: string;
  policy: string;
  ops: number;
  /** Peak live payload ÷ peak mapped bytes. */
  utilization: number;
  kops: number;
  /** "ok", or what went wrong first (the replay stops there). */
  integrity: string;
  /** "ok", or the first invariant the policy's checker found broken. */
  invariants: string;
  peakPayload: number;
  peakMappedBytes: number;
  /** Mapped bytes when the workload ends. */
  mappedBytes: number;
  mmap: number;
  munmap: number;
  syscalls: number;
  /** Requests the policy refuses outright (lmm-classic: above one page). */
  rejected: number;
}

export interface CorrectnessOptions {
  /** Run the policy's invariant checker every this many operations (0: at the end only). */
  checkEvery?: number;
  /** Told before each operation runs, with its index (for figures over time, by operation). */
  beforeOperation?: (index: number) => void;
}

export interface CorrectnessResult {
  integrity: string;
  invariants: string;
  peakPayload: number;
  statistics: PolicyStatistics;
}

/** The pattern byte `i` of the payload of allocation `id` is (seed + i) & 255. */
function patternSeed(id: number): number {
  return (id * 167 + 13) & 255;
}

/** Writes the pattern from byte `from` on: one period by hand, the rest by native copies. */
function writePattern(bytes: Uint8Array, seed: number, from: number): void {
  const end = Math.min(bytes.length, from + 256);
  for (let i = from; i < end; i++) bytes[i] = (seed + i) & 255;
  // The pattern repeats every 256 bytes: double the written stretch until the payload is full.
  for (let done = end - from; from + done < bytes.length; done *= 2) {
    bytes.copyWithin(from + done, from, Math.min(from + done, bytes.length - done));
  }
}

/** Pattern words by seed (the pattern as little-endian 32-bit words over one 256-byte period). */
const patternWords = new Map<number, Uint32Array>();

function wordsOf(seed: number): Uint32Array {
  let words = patternWords.get(seed);
  if (words === undefined) {
    words = new Uint32Array(64);
    for (let k = 0; k < 64; k++) {
      const i = 4 * k;
      words[k] =
        (((seed + i) & 255) | (((seed + i + 1) & 255) << 8) | (((seed + i + 2) & 255) << 16) | (((seed + i + 3) & 255) << 24)) >>>
        0;
    }
    patternWords.set(seed, words);
  }
  return words;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The first byte that differs from the pattern, or -1 (word by word where the payload is aligned). */
function checkPattern(bytes: Uint8Array, seed: number): number {
  let i = 0;
  if (littleEndian && bytes.byteOffset % 4 === 0 && bytes.length >= 64) {
    const count = bytes.length >>> 2;
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset, count);
    const words = wordsOf(seed);
    let k = 0;
    while (k < count && view[k] === words[k & 63]) k++;
    i = k * 4;
  }
  for (; i < bytes.length; i++) if (bytes[i] !== ((seed + i) & 255)) return i;
  return -1;
}

/** Registers the workload's families with a target (LMM policies serve struct requests exactly). */
export function prepareTarget(target: ReplayTarget, workload: Workload): void {
  for (const family of workload.familyTable) target.registerFamily(family.name, family.size);
}

export function correctnessPass(workload: Workload, target: ReplayTarget, options: CorrectnessOptions = {}): CorrectnessResult {
  prepareTarget(target, workload);
  const checkEvery = options.checkEvery ?? 0;
  const address = new Float64Array(workload.idCount);
  const size = new Int32Array(workload.idCount);
  let livePayload = 0;
  let peakPayload = 0;
  let integrity = 'ok';
  let invariants = 'ok';
  const where = (i: number): string => `op ${i + 1} (line ${workload.lines[i]})`;
  const check = (i: number): boolean => {
    const problems = target.check?.() ?? [];
    if (problems.length > 0 && invariants === 'ok') invariants = `${where(i)}: ${problems[0]}`;
    return problems.length === 0;
  };
  const beforeOperation = options.beforeOperation;
  for (let i = 0; i < workload.length; i++) {
    beforeOperation?.(i);
    const id = workload.ids[i]!;
    const op = workload.ops[i]!;
    const bytes = workload.bytes[i]!;
    if (op === WorkOp.Free) {
      const a = address[id]!;
      if (a !== 0) {
        const at = checkPattern(target.payload(a, size[id]!), patternSeed(id));
        if (at >= 0) {
          integrity = `${where(i)}: payload of id ${id} changed at byte ${at} before its free`;
          break;
        }
        if (!target.free(a)) {
          integrity = `${where(i)}: free of id ${id} failed: ${target.lastError}`;
          break;
        }
        livePayload -= size[id]!;
        address[id] = 0;
        size[id] = 0;
      }
    } else {
      const old = address[id]!;
      let a: number;
      if (op === WorkOp.Realloc && old !== 0) {
        // Checked after the call: the bytes it keeps must still hold the pattern, wherever they are now.
        a = target.realloc(old, bytes);
      } else {
        a = target.allocate(bytes, workload.families[i]!, workload.units[i]!);
      }
      if (a === 0) {
        if (bytes > target.maxRequest) continue; // refused and counted by the policy; the id keeps what it had
        integrity = `${where(i)}: ${op === WorkOp.Alloc ? 'allocation' : 'realloc'} of ${bytes} bytes for id ${id} failed: ${target.lastError}`;
        break;
      }
      if (op === WorkOp.Realloc && old !== 0) {
        const kept = Math.min(size[id]!, bytes);
        const view = target.payload(a, bytes);
        const at = checkPattern(view.subarray(0, kept), patternSeed(id));
        if (at >= 0) {
          integrity = `${where(i)}: realloc of id ${id} lost its payload at byte ${at}`;
          break;
        }
        writePattern(view, patternSeed(id), kept);
        livePayload += bytes - size[id]!;
      } else {
        // An alloc over a live id (conformance traces allow it) leaks the old block: its bytes stay live.
        writePattern(target.payload(a, bytes), patternSeed(id), 0);
        livePayload += bytes;
      }
      address[id] = a;
      size[id] = bytes;
      if (livePayload > peakPayload) peakPayload = livePayload;
    }
    if (checkEvery > 0 && (i + 1) % checkEvery === 0 && !check(i)) break;
  }
  if (integrity === 'ok') {
    for (let id = 0; id < workload.idCount; id++) {
      if (address[id] === 0) continue;
      const at = checkPattern(target.payload(address[id]!, size[id]!), patternSeed(id));
      if (at >= 0) {
        integrity = `end: payload of id ${id} changed at byte ${at}`;
        break;
      }
    }
  }
  if (invariants === 'ok') check(workload.length - 1);
  return { integrity, invariants, peakPayload, statistics: target.statistics() };
}

/** Replays without checks; returns the milliseconds taken. */
export function timedReplay(workload: Workload, target: ReplayTarget): number {
  prepareTarget(target, workload);
  const address = new Float64Array(workload.idCount);
  const { ops, ids, bytes, families, units } = workload;
  const n = workload.length;
  const started = monotonicMs();
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const op = ops[i]!;
    if (op === WorkOp.Free) {
      const a = address[id]!;
      if (a !== 0) {
        target.free(a);
        address[id] = 0;
      }
    } else if (op === WorkOp.Realloc && address[id] !== 0) {
      const a = target.realloc(address[id]!, bytes[i]!);
      if (a !== 0) address[id] = a;
    } else {
      address[id] = target.allocate(bytes[i]!, families[i]!, units[i]!);
    }
  }
  return monotonicMs() - started;
}

/**
 * Wall time the timing pass may take, as a multiple of the time it measures. Only the replays are
 * measured, not making a fresh heap for each: a workload of one or two operations replays in a
 * microsecond, so reaching `minMs` of measured time took a hundred thousand fresh heaps (17 s for
 * a one-line trace).
 */
export const TIMING_WALL_FACTOR = 5;

/**
 * Kops/s over fresh targets: the workload is replayed until `minMs` have been measured (at least
 * three times, and for at most `TIMING_WALL_FACTOR` × `minMs` of wall time) and the fastest
 * replay counts, as the lab's driver takes the best of K runs, so that a machine shared with
 * other work measures the allocator rather than the neighbours.
 */
export function throughput(workload: Workload, create: () => ReplayTarget, minMs = 100): number {
  let total = 0;
  let best = Infinity;
  let reps = 0;
  const wallStart = monotonicMs();
  do {
    const target = create();
    const ms = timedReplay(workload, target);
    target.dispose?.();
    total += ms;
    reps++;
    if (ms < best) best = ms;
  } while (reps < 3 || (total < minMs && monotonicMs() - wallStart < TIMING_WALL_FACTOR * minMs));
  return workload.length / Math.max(best, 1e-3);
}

export interface ReplayOptions extends CorrectnessOptions {
  /** Milliseconds of timing to measure (0: skip the timing pass, kops = 0). */
  timingMs?: number;
}

/** Both passes, as one report. */
export function replayWorkload(workload: Workload, create: () => ReplayTarget, options: ReplayOptions = {}): ReplayReport {
  const target = create();
  const result = correctnessPass(workload, target, options);
  target.dispose?.();
  const timingMs = options.timingMs ?? 100;
  const kops = timingMs > 0 && result.integrity === 'ok' ? throughput(workload, create, timingMs) : 0;
  return replayReport(workload, target.name, result, kops);
}

/** The report of one replay: its correctness pass's figures and the measured throughput. */
export function replayReport(workload: Workload, policy: string, result: CorrectnessResult, kops: number): ReplayReport {
  const s = result.statistics;
  return {
    trace: workload.name,
    policy,
    ops: workload.length,
    utilization: s.peakMappedBytes === 0 ? 0 : result.peakPayload / s.peakMappedBytes,
    kops,
    integrity: result.integrity,
    invariants: result.invariants,
    peakPayload: result.peakPayload,
    peakMappedBytes: s.peakMappedBytes,
    mappedBytes: s.mappedBytes,
    mmap: s.mmapCalls,
    munmap: s.munmapCalls,
    syscalls: s.syscalls,
    rejected: s.rejected,
  };
}
