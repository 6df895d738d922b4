/**
 * The `lmm-studio` module on a runtime in this process (no worker, no compile), typed with the
 * editor's declarations: for layout and view tests that look at the heap's bytes directly.
 */
import type * as Lmm from '../../src/harness/api/lmm-studio';
import { createLmmStudioModule } from '../../src/harness/api/lmmStudioModule';
import { HarnessRuntime, type HarnessRuntimeOptions } from '../../src/harness/runtime/harnessRuntime';

export type LmmStudio = typeof Lmm;

export function inProcessHarness(options: Partial<HarnessRuntimeOptions> = {}): { runtime: HarnessRuntime; lmm: LmmStudio } {
  const runtime = new HarnessRuntime({ harnessFile: 'test.lmm.ts', sites: [], ...options });
  return { runtime, lmm: createLmmStudioModule(runtime) as unknown as LmmStudio };
}

/** The bytes of a block: a DataView of its page and the block's offset in it. */
export function blockBytes(runtime: HarnessRuntime, address: number): { view: DataView; offset: number } {
  const kernel = runtime.heap.kernel;
  return { view: kernel.view(address), offset: address - kernel.pageOf(address) };
}
