/**
 * @thi.ng/malloc (an ArrayBuffer allocator from npm: first fit, block compaction and splitting,
 * 8-byte alignment) as an outside baseline for `npm run bench:malloc-lab`. It has no kernel, so
 * its mapped bytes are its heap top rounded up to whole pages, as if it took its memory from the
 * same kernel page by page; it reuses one buffer across runs, as the lab's driver does.
 */
import type { MemPool } from '@thi.ng/malloc' with { 'resolution-mode': 'import' };
import type { PolicyStatistics } from '../src/policies/allocatorPolicy';
import type { ReplayTarget } from '../src/policies/workloadRunner';

const POOL_BYTES = 128 << 20;
let shared: ArrayBuffer | null = null;
/** The package is ESM only; the benchmark loads it once before the first baseline is made. */
let MemPoolClass: typeof MemPool | null = null;

export async function loadThingMalloc(): Promise<void> {
  MemPoolClass ??= (await import('@thi.ng/malloc')).MemPool;
}

export class ThingMallocBaseline implements ReplayTarget {
  readonly name = '@thi.ng/malloc';
  readonly maxRequest = Infinity;
  lastError: string | null = null;
  private readonly pool: MemPool;
  private readonly bytes: Uint8Array;
  private peakTop = 0;
  private live = 0;

  constructor(
    private readonly trackPeak: boolean,
    private readonly pageSize = 4096,
  ) {
    if (MemPoolClass === null) throw new Error('call loadThingMalloc() first');
    shared ??= new ArrayBuffer(POOL_BYTES);
    this.pool = new MemPoolClass({ buf: shared });
    this.bytes = new Uint8Array(shared);
  }

  registerFamily(): number {
    return -1;
  }

  allocate(bytes: number): number {
    const address = this.pool.malloc(bytes);
    if (this.trackPeak) this.notePeak();
    if (address === 0) this.lastError = `@thi.ng/malloc: no room for ${bytes} bytes`;
    else this.live++;
    return address;
  }

  free(address: number): boolean {
    const ok = this.pool.free(address);
    if (ok) this.live--;
    return ok;
  }

  realloc(address: number, bytes: number): number {
    const moved = this.pool.realloc(address, bytes);
    if (this.trackPeak) this.notePeak();
    return moved;
  }

  payload(address: number, length: number): Uint8Array {
    return this.bytes.subarray(address, address + length);
  }

  statistics(): PolicyStatistics {
    const peak = Math.ceil(this.peakTop / this.pageSize) * this.pageSize;
    const top = (this.pool as unknown as { top: number }).top;
    return {
      mappedBytes: Math.ceil(top / this.pageSize) * this.pageSize,
      peakMappedBytes: peak,
      liveBlocks: this.live,
      livePayload: this.pool.stats().used.size,
      mmapCalls: 0,
      munmapCalls: 0,
      syscalls: 0,
      reservoirPages: 0,
      rejected: 0,
    };
  }

  private notePeak(): void {
    const top = (this.pool as unknown as { top: number }).top;
    if (top > this.peakTop) this.peakTop = top;
  }
}
