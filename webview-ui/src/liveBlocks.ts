/**
 * Which blocks are live at a step, and the run's application memory broken down by struct and by
 * allocation site over time. Both are read from the replayed operations (allocation results and
 * frees), never from a time-travel heap, so asking them does not move the map's step.
 */
import { META_SIZE } from '../../src/engine/constants';
import { HeapOpKind } from '../../src/engine/heapOps';
import type { RunModel } from './runModel';

/** A block live at some step: who allocated it, when, and its application memory (meta data included). */
export interface LiveBlock {
  address: number;
  allocStep: number;
  family: number;
  units: number;
  /** Payload: units × struct size. */
  payload: number;
  /** Application memory: payload + the block's meta data. */
  bytes: number;
  siteId: number;
}

/**
 * Every block live after `step`, in allocation order (one pass over the steps up to it). Blocks
 * allocated before the map's window come first, with an `allocStep` of −1 and no site.
 */
export function liveBlocksAt(model: RunModel, step: number): LiveBlock[] {
  const live = new Map<number, number>();
  const before = new Map<number, LiveBlock>();
  for (const block of model.blocksBeforeWindow()) {
    const payload = block.units * model.structSize(block.family);
    before.set(block.address, { ...block, allocStep: -1, payload, bytes: payload + META_SIZE, siteId: -1 });
  }
  const last = Math.min(step, model.length - 1);
  for (let s = model.firstStep; s <= last; s++) {
    const kind = model.kindOf(s);
    if (kind === HeapOpKind.Alloc) {
      const address = model.resultOf(s);
      if (address !== 0) live.set(address, s);
    } else if (kind === HeapOpKind.Free && model.resultOf(s) === 1) {
      live.delete(model.timeline.opAt(s).a);
      before.delete(model.timeline.opAt(s).a);
    }
  }
  const blocks: LiveBlock[] = [...before.values()];
  for (const [address, allocStep] of live) {
    const op = model.timeline.opAt(allocStep);
    const payload = op.b * model.structSize(op.a);
    blocks.push({
      address,
      allocStep,
      family: op.a,
      units: op.b,
      payload,
      bytes: payload + META_SIZE,
      siteId: model.siteIdOf(allocStep),
    });
  }
  return blocks.sort((a, b) => a.allocStep - b.allocStep);
}

/** Samples kept before every other one is dropped (and the interval doubles). */
const MAX_SAMPLES = 1024;
/** Distinct allocation sites tracked one by one; the rest add up in one bucket. */
const MAX_SITES = 256;
/** The bucket of the sites past MAX_SITES. */
export const OTHER_SITES = MAX_SITES;

/**
 * Application memory by struct and by allocation site, sampled every `every` steps, built up a
 * slice at a time (`catchUp`) as the run grows: a million steps take a few hundred milliseconds,
 * which must not be one task.
 */
export class MemoryBreakdown {
  /** Step after which each sample was taken (samples[i] holds the totals after step sampleSteps[i]). */
  readonly sampleSteps: number[] = [];
  readonly byStruct: Float64Array[] = [];
  readonly bySite: Float64Array[] = [];
  every = 1;
  private processed = 0;
  private readonly live = new Map<number, { family: number; site: number; bytes: number }>();
  private structTotals = new Float64Array(8);
  private siteTotals = new Float64Array(MAX_SITES + 1);
  private siteSlots = new Map<number, number>();
  /** Site id of each slot (slot OTHER_SITES: the rest). */
  readonly slotSites: number[] = [];

  constructor(private readonly model: RunModel) {}

  get done(): boolean {
    return this.processed >= this.model.length;
  }

  /**
   * Starts at the map's window when it is past the steps processed (a window from the host, or
   * one that slid): the window's first heap's blocks, then its steps; samples before it go.
   */
  private followWindow(): void {
    const model = this.model;
    const first = model.firstStep;
    let drop = 0;
    while (drop < this.sampleSteps.length && this.sampleSteps[drop]! < first - 1) drop++;
    if (drop > 0) for (const list of [this.sampleSteps, this.byStruct, this.bySite] as unknown[][]) list.splice(0, drop);
    if (this.processed >= first) return;
    this.live.clear();
    this.structTotals.fill(0);
    this.siteTotals.fill(0);
    this.processed = first;
    for (const block of model.blocksBeforeWindow()) this.add(block.address, block.family, block.units, -1);
  }

  /** Processes steps for up to `budgetMs`; true when it has caught up with the run. */
  catchUp(budgetMs: number): boolean {
    const model = this.model;
    const started = performance.now();
    if (model.firstStep > 0) this.followWindow();
    while (this.processed < model.length) {
      // Slices of 1,024 steps: the clock is read often enough to keep within the budget.
      const end = Math.min(model.length, this.processed + 1024);
      for (let s = this.processed; s < end; s++) {
        this.apply(s);
        if ((s + 1) % this.every === 0) this.sample(s);
      }
      this.processed = end;
      if (performance.now() - started > budgetMs) break;
    }
    return this.done;
  }

  private apply(step: number): void {
    const model = this.model;
    const kind = model.kindOf(step);
    if (kind === HeapOpKind.Alloc) {
      const address = model.resultOf(step);
      if (address === 0) return;
      const op = model.timeline.opAt(step);
      this.add(address, op.a, op.b, model.siteIdOf(step));
    } else if (kind === HeapOpKind.Free && model.resultOf(step) === 1) {
      const address = model.timeline.opAt(step).a;
      const block = this.live.get(address);
      if (!block) return;
      this.live.delete(address);
      this.structTotals[block.family]! -= block.bytes;
      this.siteTotals[block.site]! -= block.bytes;
    }
  }

  private add(address: number, family: number, units: number, siteId: number): void {
    const bytes = META_SIZE + units * this.model.structSize(family);
    const site = this.slotOf(siteId);
    this.live.set(address, { family, site, bytes });
    if (family >= this.structTotals.length) {
      const grown = new Float64Array(Math.max(family + 1, this.structTotals.length * 2));
      grown.set(this.structTotals);
      this.structTotals = grown;
    }
    this.structTotals[family]! += bytes;
    this.siteTotals[site]! += bytes;
  }

  private slotOf(siteId: number): number {
    let slot = this.siteSlots.get(siteId);
    if (slot === undefined) {
      slot = this.slotSites.length < MAX_SITES ? this.slotSites.length : OTHER_SITES;
      if (slot !== OTHER_SITES) this.slotSites.push(siteId);
      this.siteSlots.set(siteId, slot);
    }
    return slot;
  }

  private sample(step: number): void {
    this.sampleSteps.push(step);
    this.byStruct.push(this.structTotals.slice());
    this.bySite.push(this.siteTotals.slice());
    if (this.sampleSteps.length >= MAX_SAMPLES) {
      // Keep every other sample: the interval doubles, memory stays bounded on any run length.
      for (const list of [this.sampleSteps, this.byStruct, this.bySite] as unknown[][]) {
        let kept = 0;
        for (let i = 1; i < list.length; i += 2) list[kept++] = list[i];
        list.length = kept;
      }
      this.every *= 2;
    }
  }

  /** The sample at or before `step` (-1: none yet). */
  sampleAt(step: number): number {
    const steps = this.sampleSteps;
    let lo = 0;
    let hi = steps.length - 1;
    if (hi < 0 || steps[0]! > step) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (steps[mid]! <= step) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
