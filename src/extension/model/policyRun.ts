/**
 * One workload under one policy of the policy lab, for the extension: the report `lmm compare`
 * prints (same `runPolicy`, so the figures agree with the CLI) plus pictures of the policy's
 * mappings at the end of the run and at its peak of mapped pages. Plain data, so it crosses
 * the worker boundary by structured clone.
 */
import type { AllocatorPolicy, PolicyMapping, PolicyStatistics } from '../../policies/allocatorPolicy';
import { UnknownPolicyError, type ComparedReport } from '../../policies/comparePolicies';
import { findPolicy } from '../../policies/policyRegistry';
import type { Workload } from '../../policies/workload';
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

  constructor(
    readonly policy: AllocatorPolicy,
    private readonly captureAt = -1,
  ) {}

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
  const first = new ObservedPolicy(create());
  const result = correctnessPass(workload, first);
  const end = pictureOf(first.policy, first.calls);
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
  return { workload: workload.name, ops: workload.length, pageSize: workload.pageSize, report, end, peak };
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
