/**
 * Inputs made to hang or crash a verb: each one ends at once with exit 2 and one line saying what
 * is wrong. Before, `import-c` of exponentially growing macros ended as an internal error
 * (a spread past the call stack), `import-c /dev/zero` and a header including it never ended,
 * and `lmm run --fail-on ''` passed as a gate that checks nothing.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_HARNESS_CANDIDATE_BYTES } from '../../../src/cli/compareCommand';
import { MAX_HARNESS_FILE_BYTES } from '../../../src/harness/compile/compileHarness';
import { MAX_SUPPRESSIONS_FILE_BYTES } from '../../../src/harness/suppressionFile';
import { lmm } from '../../support/lmmCli';

describe('lmm: hostile inputs end with exit 2 and a clear line', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-hostile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('import-c: macros doubling 40 times (2^40 tokens) are refused by the built-in preprocessor, not a stack overflow', async () => {
    const lines = ['#define A0 1'];
    for (let i = 1; i < 40; i++) lines.push(`#define A${i} A${i - 1}+A${i - 1}`);
    lines.push('struct s { char a[A39]; };');
    const header = write('doubling.h', lines.join('\n') + '\n');
    const result = await lmm('import-c', header, '--no-cc');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /doubling\.h:\d+: macro A\d+: expands to more than 1000000 tokens/);
    assert.doesNotMatch(result.stderr, /internal error|call stack/);
  });

  it('import-c: a device as the header, or included by it, is not read', async () => {
    // Windows has no /dev/zero to read without end.
    if (!existsSync('/dev/zero')) return;
    const direct = await lmm('import-c', '/dev/zero', '--no-cc');
    assert.equal(direct.status, 2);
    assert.match(direct.stderr, /^\/dev\/zero: not a regular file/);
    const header = write('includes-device.h', '#include "/dev/zero"\nstruct s { int a; };\n');
    const included = await lmm('import-c', header, '--no-cc');
    assert.match(included.stderr, /#include "\/dev\/zero": \/dev\/zero is not a regular file, not read/);
    assert.match(included.stderr, /^ {2}s {24}4 bytes, align 4$/m, 'the struct after it is still read');
  });

  it('run: --fail-on with no kind is refused, not a gate that passes everything', async () => {
    const harness = write('leaks.lmm.ts', "import { MM_REG_STRUCT } from 'lmm-studio';\nexport default function main() {}\n");
    for (const list of ['', ',', ' , ']) {
      const result = await lmm('run', harness, '--fail-on', list);
      assert.equal(result.status, 2, `--fail-on '${list}': ${result.stderr}`);
      assert.match(result.stderr, /--fail-on: names no kind/);
    }
  });

  it('run: a missing harness, or a directory, is named as such (not esbuild\'s "Could not resolve")', async () => {
    for (const missing of [join(dir, 'nothere.lmm.ts'), join(dir, 'ünïcödé ✓', 'nothere.lmm.ts')]) {
      const result = await lmm('run', missing);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stderr, `${missing}: no such file\n`);
    }
    const directory = await lmm('run', dir);
    assert.equal(directory.status, 2, directory.stderr);
    assert.equal(directory.stderr, `${dir}:1:1: not a regular file (a harness is a TypeScript source file)\n`);
    assert.doesNotMatch(directory.stderr, /Could not resolve/);
  });

  it('run: a wrong option value is `lmm run: --option: what is wrong`, as every verb words it', async () => {
    const harness = write('empty-main.lmm.ts', 'export default function main() {}\n');
    for (const [args, message] of [
      [['--time-limit', 'soon'], "lmm run: --time-limit: takes a positive whole number of milliseconds, not 'soon'"],
      [
        ['--time-limit', '99999999999999999999'],
        'lmm run: --time-limit: 99999999999999999999 is more than the largest, 2147483647 milliseconds',
      ],
      [['--memory-limit', '-5'], "lmm run: --memory-limit: takes a positive whole number of megabytes, not '-5'"],
      [['--page-size', '99999999999999999999999'], 'lmm run: --page-size: 99999999999999999999999 is more than the largest'],
      [['--time-limit'], 'lmm run: --time-limit: needs a value'],
    ] as const) {
      const result = await lmm('run', harness, ...args);
      assert.equal(result.status, 2, result.stderr);
      assert.ok(result.stderr.startsWith(message), `${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });

  it('run: --suppressions naming a device, a directory or a huge file is refused, not read until the process aborts', async () => {
    const harness = write('plain.lmm.ts', 'export default function main() {}\n');
    if (existsSync('/dev/zero')) {
      const device = await lmm('run', harness, '--suppressions', '/dev/zero');
      assert.equal(device.status, 2, device.stderr);
      assert.equal(device.stderr, '/dev/zero: not a regular file (a suppressions file is text)\n');
    }
    const directory = await lmm('run', harness, '--suppressions', dir);
    assert.equal(directory.status, 2, directory.stderr);
    assert.equal(directory.stderr, `${dir}: not a regular file (a suppressions file is text)\n`);
    const huge = join(dir, 'huge.lmmsupp');
    truncateSync(write('huge.lmmsupp', ''), MAX_SUPPRESSIONS_FILE_BYTES + 1);
    const tooLarge = await lmm('run', harness, '--suppressions', huge);
    assert.equal(tooLarge.status, 2, tooLarge.stderr);
    assert.match(tooLarge.stderr, /huge\.lmmsupp: 16777217 bytes, more than a suppressions file may have \(16 MiB\)\n$/);
  });

  it('run: a huge .lmmsupp beside the harness is refused with its size (exit 2, no stack trace), not read whole', async () => {
    const beside = join(dir, 'beside');
    mkdirSync(beside);
    const harness = join(beside, 'plain.lmm.ts');
    writeFileSync(harness, 'export default function main() {}\n');
    writeFileSync(join(beside, 'plain.lmmsupp'), '');
    truncateSync(join(beside, 'plain.lmmsupp'), MAX_SUPPRESSIONS_FILE_BYTES + 1);
    const result = await lmm('run', harness);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(
      result.stderr,
      `${join(beside, 'plain.lmmsupp')}: 16777217 bytes, more than a suppressions file may have (16 MiB)\n`,
    );
    assert.equal(result.stdout, '');
  });

  it('replay and compare: a device or a directory named as the trace or the harness is refused, not read without end', async () => {
    const named = (name: string, target: string) => {
      const link = join(dir, name);
      symlinkSync(target, link);
      return link;
    };
    const workloads = [named('folder.rep', dir)];
    // Windows has no /dev/zero to read without end.
    if (existsSync('/dev/zero')) workloads.push(named('zero.rep', '/dev/zero'), named('zero.trace', '/dev/zero'));
    for (const workload of workloads) {
      for (const args of [
        ['replay', workload],
        ['compare', workload, '--policies', 'hybrid'],
      ]) {
        const result = await lmm(...args);
        assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stderr, `${workload}: not a regular file (a trace is text)\n`);
      }
    }
    if (existsSync('/dev/zero')) {
      const harness = named('zero.lmm.ts', '/dev/zero');
      const result = await lmm('replay', harness);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stderr, `${harness}: not a regular file (a harness is text)\n`);
    }
  });

  it('replay and compare bound a harness file as the harness compiler does', () => {
    assert.equal(MAX_HARNESS_CANDIDATE_BYTES, MAX_HARNESS_FILE_BYTES);
  });

  it('run: a .lmmsupp beside the harness that is a FIFO, a device or a directory is not read, and the run goes on', async () => {
    // A FIFO no one writes blocks its reader for ever; Windows has neither FIFOs nor /dev/zero.
    if (!existsSync('/dev/zero')) return;
    for (const make of [
      (file: string) => execFileSync('mkfifo', [file]),
      (file: string) => symlinkSync('/dev/zero', file),
      (file: string) => mkdirSync(file),
    ]) {
      const folder = mkdtempSync(join(dir, 'cloned-'));
      const harness = join(folder, 'list.lmm.ts');
      writeFileSync(harness, 'export default function main() {}\n');
      make(join(folder, 'list.lmmsupp'));
      const result = await lmm('run', harness, '--json');
      assert.equal(result.status, 0, result.stderr);
    }
  });
});
