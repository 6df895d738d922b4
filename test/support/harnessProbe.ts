/** Writes hostile harnesses to a scratch folder and runs them (as `lmm run` does), keeping their output. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarness, type HarnessRunOptions, type HarnessRunResult } from '../../src/harness/runHarness';

export interface ProbeRun extends HarnessRunResult {
  output: string;
  ms: number;
}

export class HarnessProbe {
  readonly dir = mkdtempSync(join(tmpdir(), 'lmm-sandbox-'));

  write(name: string, source: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, source);
    return file;
  }

  async run(name: string, source: string, options: HarnessRunOptions = {}): Promise<ProbeRun> {
    const file = this.write(name, source);
    let output = '';
    const started = Date.now();
    const result = await runHarness(file, { ...options, onOutput: (text) => (output += text) }).result;
    return { ...result, output, ms: Date.now() - started };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The `lmm-studio` import and a one-field struct most probes use. */
export const PRELUDE = `import { struct, u32, char, ptr, MM_REG_STRUCT, XCALLOC, XFREE, print, mm_init, addressOf, sizeof } from 'lmm-studio';
@struct class node_t { @u32 key!: number; @char(8) name!: string; @ptr(() => node_t) next!: node_t | null; }
`;
