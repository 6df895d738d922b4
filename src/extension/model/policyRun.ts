/**
 * One workload under one policy of the policy lab, for the extension: the report `lmm compare`
 * prints (same `runPolicy`, so the figures agree with the CLI) plus pictures of the policy's
 * mappings at the end of the run and at its peak of mapped pages. Plain data, so it crosses
 * the worker boundary by structured clone.
 */
import type { AllocatorPolicy, PolicyMapping, PolicyStatistics } from '../../policies/allocatorPolicy';
import { UnknownPolicyError, type ComparedReport } from '../../policies/comparePolicies';
import { findPolicy } from '../../policies/policyRegistry';
import { WorkOp, type Workload } from '../../policies/workload';
import { correctnessPass, replayReport, throughput, type ReplayTarget } from '../../policies/workloadRunner';

/** The policy's mappings at one moment of the run. */
export interface PolicyPicture {
  /** Allocator calls (allocate, realloc, free) made when the picture was taken. */
  calls: number;
  mappedBytes: number;
  mappings: PolicyMapping[];
}

export interface PolicyRunResult {
  workload: string;
  ops: number;
  pageSize: number;
  report: ComparedReport;
  /** At the end of the run (of the correctness pass: where it stopped if integrity failed). */
  end: PolicyPicture;
  /** When the mapped pages peaked; null when the peak is the end (or nothing was ever mapped). */
  peak: PolicyPicture | null;
  /** Mapped bytes and live payload over the run, for the charts of Compare Runs. */
  series: PolicySeries;
}

/**
 * A run's figures over time, one point per window of `stride` operations (at most
 * `SERIES_POINTS`): the most in each window, so no spike between two points is lost.
 */
export interface PolicySeries {
  stride: number;
  /** Mapped bytes under this policy. */
  mappedBytes: number[];
  /** Live payload the workload asks for (the same under every policy; refused requests count as asked). */
  payloadBytes: number[];
  /** Both after the last operation (a window's maximum hides a release at its very end). */
  mappedBytesAtEnd: number;
  payloadBytesAtEnd: number;
}

/** Points per series: enough for a 640-pixel chart, a few KB per run. */
export const SERIES_POINTS = 512;

export function seriesStride(operations: number): number {
  return Math.max(1, Math.ceil(operations / SERIES_POINTS));
}

/** The workload's live payload over time (window maxima), whatever the policy; `end` gets the last value. */
export function payloadSeries(workload: Workload, stride: number, end?: { live: number }): number[] {
  const size = new Float64Array(workload.idCount);
  const out: number[] = [];
  let live = 0;
  let windowMax = 0;
  for (let i = 0; i < workload.length; i++) {
    const id = workload.ids[i]!;
    const op = workload.ops[i];
    if (op === WorkOp.Free) {
      live -= size[id]!;
      size[id] = 0;
    } else if (op === WorkOp.Realloc) {
      live += workload.bytes[i]! - size[id]!;
      size[id] = workload.bytes[i]!;
    } else {
      // An alloc over a live id (conformance traces allow it) leaks the old block: it stays live.
      live += workload.bytes[i]!;
      size[id] = workload.bytes[i]!;
    }
    if (live > windowMax) windowMax = live;
    if ((i + 1) % stride === 0) {
      out.push(windowMax);
      windowMax = live;
    }
  }
  if (workload.length % stride !== 0) out.push(windowMax);
  if (end) end.live = live;
  return out;
}

export interface PolicyRunOptions {
  /** Milliseconds of timing for Kops/s (0: no timing pass). */
  timingMs?: number;
  /** Told before each policy's run starts (for progress). */
  onPolicyStart?: (policy: string, index: number) => void;
}

/**
 * Delegates to a policy, counting the calls that change the heap, noting the call after which
 * the kernel's peak of mapped pages was last raised, and taking a picture after call `captureAt`.
 * The replay driver is deterministic, so a second pass with `captureAt` = the first pass's peak
 * call sees the heap exactly as it was at the peak (cheaper than a picture at every new peak).
 */
class ObservedPolicy implements ReplayTarget {
  calls = 0;
  peakCall = 0;
  private peakPages = 0;
  picture: PolicyPicture | null = null;
  /** Mapped bytes, the most in each window of operations (see PolicySeries and `closeWindow`). */
  readonly mappedSeries: number[] = [];
  private windowMax = 0;

  constructor(
    readonly policy: AllocatorPolicy,
    private readonly captureAt = -1,
  ) {}

  /** Ends a window of operations: its most mapped bytes become a point of the series. */
  closeWindow(): void {
    this.mappedSeries.push(this.windowMax * this.policy.kernel.pageSize);
    this.windowMax = this.policy.kernel.mappedPages;
  }

  get name(): string {
    return this.policy.name;
  }
  get maxRequest(): number {
    return this.policy.maxRequest;
  }
  get lastError(): string | null {
    return this.policy.lastError;
  }
  set lastError(value: string | null) {
    this.policy.lastError = value;
  }
  registerFamily(name: string, size: number): number {
    return this.policy.registerFamily(name, size);
  }
  allocate(bytes: number, family?: number, units?: number): number {
    return this.observed(this.policy.allocate(bytes, family, units));
  }
  free(address: number): boolean {
    return this.observed(this.policy.free(address));
  }
  realloc(address: number, bytes: number): number {
    return this.observed(this.policy.realloc(address, bytes));
  }
  payload(address: number, length: number): Uint8Array {
    return this.policy.payload(address, length);
  }
  statistics(): PolicyStatistics {
    return this.policy.statistics();
  }
  check(): string[] {
    return this.policy.check();
  }

  private observed<T>(result: T): T {
    this.calls++;
    const kernel = this.policy.kernel;
    if (kernel.peakMappedPages > this.peakPages) {
      this.peakPages = kernel.peakMappedPages;
      this.peakCall = this.calls;
    }
    if (kernel.mappedPages > this.windowMax) this.windowMax = kernel.mappedPages;
    if (this.calls === this.captureAt) {
      this.picture = pictureOf(this.policy, this.calls);
      throw new PictureTaken();
    }
    return result;
  }
}

/** Ends the picture pass as soon as its picture is taken (the rest of the replay would change nothing). */
class PictureTaken extends Error {}

function pictureOf(policy: AllocatorPolicy, calls: number): PolicyPicture {
  return { calls, mappedBytes: policy.kernel.mappedPages * policy.kernel.pageSize, mappings: policy.mappings() };
}

/** Runs `workload` under `policyName`: the comparison report, and pictures at the end and at the peak. */
export function runPolicyWithPictures(workload: Workload, policyName: string, options: PolicyRunOptions = {}): PolicyRunResult {
  const info = findPolicy(policyName);
  if (info === undefined) throw new UnknownPolicyError(policyName);
  const create = () => info.create({ pageSize: workload.pageSize });

  // The correctness pass of `lmm compare` (replayWorkload), observed; the unit tests hold the
  // report equal to the CLI's, field by field.
  const stride = seriesStride(workload.length);
  const first = new ObservedPolicy(create());
  // Windows by operation, not by call: a policy that refuses a request skips its free too.
  const result = correctnessPass(workload, first, {
    beforeOperation: (i) => {
      if (i > 0 && i % stride === 0) first.closeWindow();
    },
  });
  if (workload.length > 0) first.closeWindow();
  const end = pictureOf(first.policy, first.calls);
  const payloadEnd = { live: 0 };
  const series: PolicySeries = {
    stride,
    mappedBytes: first.mappedSeries,
    payloadBytes: payloadSeries(workload, stride, payloadEnd),
    mappedBytesAtEnd: end.mappedBytes,
    payloadBytesAtEnd: payloadEnd.live,
  };
  first.policy.dispose();
  const timingMs = options.timingMs ?? 100;
  const kops = timingMs > 0 && result.integrity === 'ok' ? throughput(workload, create, timingMs) : 0;
  const report: ComparedReport = { ...replayReport(workload, info.name, result, kops), reservoirPages: 0, reservoirDelay: 0 };

  let peak: PolicyPicture | null = null;
  if (first.peakCall > 0 && first.peakCall < first.calls) {
    const second = new ObservedPolicy(create(), first.peakCall);
    try {
      correctnessPass(workload, second);
    } catch (error) {
      if (!(error instanceof PictureTaken)) throw error;
    }
    second.policy.dispose();
    peak = second.picture;
  }
  return { workload: workload.name, ops: workload.length, pageSize: workload.pageSize, report, end, peak, series };
}

/** Every policy of `names` on the same workload, in order (unknown names fail before any run). */
export function runPoliciesWithPictures(
  workload: Workload,
  names: readonly string[],
  options: PolicyRunOptions = {},
): PolicyRunResult[] {
  for (const name of names) if (findPolicy(name) === undefined) throw new UnknownPolicyError(name);
  return names.map((name, index) => {
    options.onPolicyStart?.(name, index);
    return runPolicyWithPictures(workload, name, options);
  });
}
