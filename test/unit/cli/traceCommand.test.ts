import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/lmm';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'conformance');
const scratch = mkdtempSync(join(tmpdir(), 'lmm-cli-'));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function traceFile(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

describe('lmm trace', () => {
  it('prints exactly the expected ok/null and dump lines, diagnostics apart', async () => {
    const result = await run('trace', join(fixtures, 'errors.trace'));
    assert.equal(result.code, 0);
    assert.equal(result.stdout, readFileSync(join(fixtures, 'errors.expected'), 'utf8'));
    assert.match(result.stderr, /errors\.trace:5: alloc a1 failed: struct nosuch_t is not registered/);
    assert.match(result.stderr, /errors\.trace:6: alloc a2 failed: 3 × big_t \(6000 bytes\) exceeds the 4024 bytes/);
  });

  it('reports a double free on stderr and leaves the heap unchanged', async () => {
    const file = traceFile('double.trace', 'reg s_t 56\nalloc a1 s_t 1\nalloc a2 s_t 1\nfree a1\ndump\nfree a1\ndump\n');
    const result = await run('trace', file);
    assert.equal(result.code, 0);
    const [, , dump1, dump2] = result.stdout.trim().split('\n');
    assert.equal(dump2, dump1);
    assert.match(result.stderr, /double\.trace:6: double free of a1 \(heap unchanged\)/);
  });

  it('ignores a free of an ID whose alloc failed, like free(NULL)', async () => {
    const file = traceFile('null.trace', 'reg s_t 56\nalloc a1 s_t 100\nfree a1\ndump\n');
    const result = await run('trace', file);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.split('\n')[0], 'null');
    assert.doesNotMatch(result.stderr, /double free/);
  });

  const malformed: [string, string, RegExp][] = [
    ['unknown command', 'reg s_t 56\nmalloc a1 s_t 1\n', /:2: unknown command 'malloc'/],
    ['bad number', 'reg s_t 56\nalloc a1 s_t one\n', /:2: units must be a whole number, not 'one'/],
    ['negative number', 'reg s_t -5\n', /:1: struct size must be a whole number, not '-5'/],
    ['free of an unnamed ID', '# comment\nreg s_t 56\nfree a9\n', /:3: free of 'a9', which no earlier alloc line named/],
    ['free before its alloc', 'reg s_t 56\nfree a1\nalloc a1 s_t 1\n', /:2: free of 'a1'/],
    ['wrong arity', 'reg s_t\n', /:1: 'reg' takes a name and a size/],
    ['page after reg', 'reg s_t 56\npage 8192\n', /:2: 'page' must come before/],
  ];
  for (const [what, text, message] of malformed) {
    it(`exits 2 with FILE:LINE for a malformed trace: ${what}`, async () => {
      const file = traceFile(`${what.replace(/\W+/g, '-')}.trace`, text);
      const result = await run('trace', file);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '', 'nothing on stdout for a malformed trace');
      assert.match(result.stderr, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + message.source));
    });
  }

  it('exits 2 for a missing file and for bad usage', async () => {
    assert.equal((await run('trace', join(scratch, 'nope.trace'))).code, 2);
    assert.equal((await run('trace')).code, 2);
    assert.equal((await run('trace', 'a', '--bogus')).code, 2);
    assert.equal((await run('frobnicate')).code, 2);
  });

  it('--report prints the classic reports, block lines as the C implementation prints them', async () => {
    const result = await run('trace', join(fixtures, 'course-scenarios.trace'), '--report');
    assert.equal(result.code, 0);
    const c = readFileSync(join(fixtures, 'course-scenarios.classic-report.txt'), 'utf8');
    // Addresses differ from run to run: compare the lines with every address masked.
    const mask = (text: string, pattern: RegExp) =>
      text
        .split('\n')
        .filter((line) => pattern.test(line))
        .map((line) => line.replace(/0x[0-9a-f]+/g, 'ADDR'));
    assert.deepEqual(mask(result.stdout, /Block \d/), mask(c, /Block \d/));
    assert.deepEqual(mask(result.stdout, /TBC :/), mask(c, /TBC :/));
    assert.deepEqual(
      mask(result.stdout, /^# Of VM Pages|^Total Memory being used/),
      mask(c, /^# Of VM Pages|^Total Memory being used/),
    );
    assert.deepEqual(mask(result.stdout, /^Page Family :/).slice(0, 2), mask(c, /^Page Family :/));
    assert.doesNotMatch(result.stdout, /^\{"mmap"/m, 'no JSON dumps in report mode');
  });

  it('--help and --version', async () => {
    const help = await run('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /lmm trace FILE/);
    const version = await run('--version');
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+|^dev/);
  });

  // Needs the bundle that `npm test` builds first (pretest).
  it('works as a process: bin/lmm.js exits 2 with FILE:LINE on stderr', async () => {
    const file = traceFile('bad.trace', 'reg s_t 56\nalloc a1 s_t x\n');
    const child = spawnSync(process.execPath, [join(__dirname, '..', '..', '..', 'bin', 'lmm.js'), 'trace', file], {
      encoding: 'utf8',
    });
    assert.equal(child.status, 2);
    assert.equal(child.stdout, '');
    assert.equal(child.stderr.trim(), `${file}:2: units must be a whole number, not 'x'`);
    const good = spawnSync(
      process.execPath,
      [join(__dirname, '..', '..', '..', 'bin', 'lmm.js'), 'trace', join(fixtures, 'seed-testapp-120-students.trace')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(good.status, 0);
    assert.equal(good.stdout, readFileSync(join(fixtures, 'seed-testapp-120-students.expected'), 'utf8'));
  });
});

describe('lmm trace on the conformance corpus (read in chunks, output as bytes)', () => {
  const corpus = join(__dirname, '..', '..', 'fixtures', 'conformance');
  for (const name of readdirSync(corpus).filter((f) => f.endsWith('.trace'))) {
    it(`prints ${name.replace(/\.trace$/, '.expected')} byte for byte`, async () => {
      let stdout: Uint8Array = new Uint8Array(0);
      const code = await main(['trace', join(corpus, name)], {
        stdout: () => assert.fail('the bytes go through stdoutBytes'),
        stderr: () => {},
        stdoutBytes: (bytes) => (stdout = Uint8Array.from(bytes)),
      });
      assert.equal(code, 0);
      assert.ok(Buffer.from(stdout).equals(readFileSync(join(corpus, name.replace(/\.trace$/, '.expected')))));
    });
  }
});
