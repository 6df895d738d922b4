/** The boundary-tag policies: first-fit, next-fit, best-fit and TLSF, each over one arena. */
import { DEFAULT_PAGE_SIZE } from '../engine/constants';
import { DEFAULT_MEMORY_CAP, SimulatedKernel } from '../engine/simulatedKernel';
import {
  kernelStatistics,
  type AllocatorPolicy,
  type PolicyMapping,
  type PolicyOptions,
  type PolicyStatistics,
} from './allocatorPolicy';
import { BoundaryTagArena, type FitStrategy } from './boundaryTagArena';

export class ArenaPolicy implements AllocatorPolicy {
  readonly kernel: SimulatedKernel;
  readonly maxRequest = Infinity;
  lastError: string | null = null;
  private readonly arena: BoundaryTagArena;
  private readonly delayed: boolean;

  constructor(
    readonly name: string,
    strategy: FitStrategy,
    options: PolicyOptions = {},
  ) {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const cap = options.memoryCap ?? DEFAULT_MEMORY_CAP;
    this.kernel = new SimulatedKernel(pageSize, cap, options.reservoir);
    this.arena = new BoundaryTagArena(this.kernel, strategy, Math.floor(cap / pageSize));
    this.delayed = this.kernel.reservoirDelay > 0;
  }

  registerFamily(): number {
    return -1;
  }

  allocate(bytes: number): number {
    if (this.delayed) this.tick();
    const address = this.arena.malloc(bytes);
    this.lastError = this.arena.lastError;
    return address;
  }

  free(address: number): boolean {
    if (this.delayed) this.tick();
    const ok = this.arena.free(address);
    this.lastError = this.arena.lastError;
    return ok;
  }

  realloc(address: number, bytes: number): number {
    if (this.delayed) this.tick();
    const moved = this.arena.realloc(address, bytes);
    this.lastError = this.arena.lastError;
    return moved;
  }

  payload(address: number, length: number): Uint8Array {
    return this.arena.payload(address, length);
  }

  statistics(): PolicyStatistics {
    return kernelStatistics(this.kernel, this.arena.liveBlocks, this.arena.livePayload, 0);
  }

  check(): string[] {
    const problems = this.arena.check(this.name);
    const kernel = this.kernel;
    const mapped = this.arena.region.mappedPages;
    if (mapped !== kernel.mappedPages)
      problems.push(`${this.name}: the arena maps ${mapped} pages, the kernel counts ${kernel.mappedPages}`);
    if (kernel.reservoirPages !== this.arena.region.parkedPages) {
      problems.push(
        `${this.name}: the reservoir counts ${kernel.reservoirPages} pages, the arena parked ${this.arena.region.parkedPages}`,
      );
    }
    return problems;
  }

  mappings(): PolicyMapping[] {
    const region = this.arena.region;
    return region.usedPages === 0
      ? []
      : [{ address: this.arena.base, pages: region.usedPages, kind: 'arena', blocks: this.arena.blocks() }];
  }

  dispose(): void {
    this.arena.region.release();
  }

  private tick(): void {
    this.kernel.tick();
    this.arena.region.tick();
  }
}
