import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';

const examples = join(__dirname, '..', '..', '..', 'examples');

/** A harness with page churn over two families, the second registered while the first has live blocks. */
const CHURN = `import { struct, u32, char, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class small_t {
  @u32 value!: number;
  @u32 other!: number;
}

@struct
class big_t {
  @char(200) text!: string;
}

export default function main(): void {
  MM_REG_STRUCT(small_t);
  const smalls = [];
  for (let i = 0; i < 300; i++) smalls.push(XCALLOC(1 + (i % 5), small_t));
  for (let i = 0; i < smalls.length; i += 2) XFREE(smalls[i]);
  MM_REG_STRUCT(big_t);
  const bigs = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 40; i++) bigs.push(XCALLOC(1 + (i % 3), big_t));
    while (bigs.length > 10) XFREE(bigs.shift());
  }
  for (let i = 1; i < smalls.length; i += 2) XFREE(smalls[i]);
  XCALLOC(100, big_t); // too large for one page: refused, and left out of the workload
}
`;

describe('lmm compare / replay on a harness (its recorded operations as the workload)', function () {
  this.timeout(120_000);
  let dir: string;
  const harness = (name: string, source: string): string => {
    const file = join(dir, name);
    writeFileSync(file, source);
    return file;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-harness-compare-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('compares an example harness under lmm-classic and best-fit, saying where the workload came from', async () => {
    const r = await lmm('compare', join(examples, 'seed-testapp.lmm.ts'), '--policies', 'lmm-classic,best-fit');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'seed-testapp.lmm.ts: 240 operations recorded from the harness on lmm-classic');
    assert.match(lines[1]!, /^policy +reservoir +utilization/);
    assert.match(lines[2]!, /^lmm-classic +off +\S+% +\d+ +9 +5 +4 +20\.0 KiB +4096 B +0 +ok$/);
    assert.match(lines[3]!, /^best-fit +off .* ok$/);
    assert.equal(lines.length, 4);
  });

  it('gives the same metrics as the equivalent conformance trace', async () => {
    const fromHarness = await lmm('compare', join(examples, 'seed-testapp.lmm.ts'), '--policies', 'lmm-classic,tlsf', '--json');
    const fromTrace = await lmm('compare', join(examples, 'seed-testapp.trace'), '--policies', 'lmm-classic,tlsf', '--json');
    assert.equal(fromHarness.status, 0, fromHarness.stderr);
    const metrics = (stdout: string) =>
      (JSON.parse(stdout) as Record<string, unknown>[]).map(({ policy, ops, mmap, munmap, peakMappedBytes, peakPayload }) => ({
        policy,
        ops,
        mmap,
        munmap,
        peakMappedBytes,
        peakPayload,
      }));
    assert.deepEqual(metrics(fromHarness.stdout), metrics(fromTrace.stdout));
  });

  it("replayed on lmm-classic, a harness's workload makes the run's own mmap/munmap calls and peak", async () => {
    const files = [
      harness('churn.lmm.ts', CHURN),
      ...['hash-table', 'hints-padding', 'error-use-after-free', 'leak-possibly-lost', 'string-buffers']
        .map((name) => join(examples, `${name}.lmm.ts`))
        .filter((file) => existsSync(file)),
    ];
    for (const file of files) {
      const run = await lmm('run', file, '--json');
      assert.equal(run.status, 0, `${file}: ${run.stderr}`);
      const report = JSON.parse(run.stdout) as { pageSize: number; totals: { mmap: number; munmap: number; peakPages: number } };
      const compared = await lmm('compare', file, '--policies', 'lmm-classic', '--json');
      assert.equal(compared.status, 0, `${file}: ${compared.stderr}`);
      const [classic] = JSON.parse(compared.stdout) as { mmap: number; munmap: number; peakMappedBytes: number; ops: number }[];
      assert.ok(classic!.ops > 0, file);
      assert.deepEqual(
        { mmap: classic!.mmap, munmap: classic!.munmap, peakMappedBytes: classic!.peakMappedBytes },
        { mmap: report.totals.mmap, munmap: report.totals.munmap, peakMappedBytes: report.totals.peakPages * report.pageSize },
        file,
      );
    }
  });

  it('replay takes a harness (a .ts importing lmm-studio) and names what it recorded', async () => {
    const file = harness('churn-helper.ts', CHURN);
    const r = await lmm('replay', file, '--policy', 'best-fit');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^trace +churn-helper\.ts$/m);
    assert.match(r.stdout, /^source +\d+ operations recorded from the harness on lmm-classic$/m);
    assert.match(r.stdout, /^policy +best-fit$/m);
    assert.match(r.stdout, /^integrity +ok$/m);
  });

  it('a .ts file that is not a harness, or no file at all, is a usage error', async () => {
    const plain = harness('plain.ts', 'export const x = 1;\n');
    const r = await lmm('compare', plain, '--policies', 'lmm-classic');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /plain\.ts: expected a malloc-lab trace \(\.rep\), an LMM trace \(\.trace\) or a harness/);
    const missing = await lmm('compare', join(dir, 'missing.lmm.ts'), '--policies', 'lmm-classic');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /missing\.lmm\.ts: cannot read/);
  });

  it('a harness that does not compile exits 2 with FILE:LINE:COL', async () => {
    const file = harness(
      'broken.lmm.ts',
      `import { MM_REG_STRUCT } from 'lmm-studio';\nexport default function main(): void {\n  MM_REG_STRUCT(;\n}\n`,
    );
    const r = await lmm('compare', file, '--policies', 'lmm-classic,best-fit');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /broken\.lmm\.ts:3:\d+: /);
  });

  it('a harness that crashes is compared on the operations it made, with a warning', async () => {
    const file = harness(
      'crash.lmm.ts',
      nodeHarness('const a = XCALLOC(1, node_t);', 'XCALLOC(2, node_t);', 'XFREE(a);', "throw new Error('boom');"),
    );
    const r = await lmm('compare', file, '--policies', 'lmm-classic,best-fit');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: the harness crashed: .*crash\.lmm\.ts:11:\d+: Error: boom/);
    assert.match(r.stderr, /comparing the 3 operations it made before/);
    assert.match(r.stdout, /^crash\.lmm\.ts: 3 operations recorded from the harness on lmm-classic \(crashed\)$/m);
  });

  it('--time-limit stops an endless harness, whose operations so far are replayed', async () => {
    const file = harness('endless.lmm.ts', nodeHarness('for (;;) XFREE(XCALLOC(1, node_t));'));
    const r = await lmm('replay', file, '--time-limit', '200', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: the harness stopped \(timed-out\): .*time limit of 200 ms exceeded/);
    const report = JSON.parse(r.stdout) as { ops: number; integrity: string; mmap: number; munmap: number };
    assert.ok(report.ops > 100, String(report.ops));
    assert.equal(report.integrity, 'ok');
    // Each alloc maps a page and each free unmaps it (the registry page stays; the run may stop between the two).
    assert.equal(report.mmap, Math.ceil(report.ops / 2) + 1);
    assert.equal(report.munmap, Math.floor(report.ops / 2));
    const bad = await lmm('compare', file, '--policies', 'lmm-classic', '--time-limit', '0');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--time-limit: takes a positive whole number of milliseconds, not '0'/);
  });

  it('--page-size runs the harness on pages of that size, and the policies replay on them', async () => {
    const file = harness('churn-8k.lmm.ts', CHURN);
    const small = JSON.parse((await lmm('compare', file, '--policies', 'lmm-classic', '--json')).stdout) as {
      peakMappedBytes: number;
      mmap: number;
    }[];
    const big = await lmm('compare', file, '--policies', 'lmm-classic', '--page-size', '8192', '--json');
    assert.equal(big.status, 0, big.stderr);
    const [report] = JSON.parse(big.stdout) as { peakMappedBytes: number; mmap: number }[];
    // The same run on the pages of lmm run --page-size 8192: its own mmap calls, and fewer than on 4096-byte pages.
    const run = JSON.parse((await lmm('run', file, '--page-size', '8192', '--json')).stdout) as { totals: { mmap: number } };
    assert.equal(report!.mmap, run.totals.mmap);
    assert.ok(report!.mmap < small[0]!.mmap, `${report!.mmap} mmap on 8 KiB pages vs ${small[0]!.mmap} on 4 KiB`);
    assert.equal(report!.peakMappedBytes % 8192, 0);
    // Traces carry their own page size: the option is refused for them.
    const trace = await lmm('compare', join(examples, 'seed-testapp.trace'), '--policies', 'lmm-classic', '--page-size', '8192');
    assert.equal(trace.status, 2);
    assert.match(trace.stderr, /--page-size is for a harness/);
  });
});
