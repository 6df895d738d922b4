import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../../src/analysis/runReport';
import { lmm } from '../../support/lmmCli';
import { RUN_USAGE } from '../../../src/cli/runCommand';

const examples = join(__dirname, '..', '..', '..', 'examples');

async function jsonReport(file: string, ...args: string[]): Promise<RunReport> {
  const { status, stdout, stderr } = await lmm('run', file, '--json', ...args);
  assert.equal(status, 0, stderr);
  return JSON.parse(stdout) as RunReport;
}

describe('lmm run', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-run-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the seed program: peak of 4 student_t pages and 12,480 bytes, 4 mmap + 4 munmap, no leaks, no errors', async () => {
    const report = await jsonReport(join(examples, 'seed-testapp.lmm.ts'));
    assert.equal(report.schemaVersion, 2);
    const student = report.families.find((f) => f.name === 'student_t')!;
    assert.equal(student.size, 56);
    assert.equal(student.peakPages, 4);
    assert.equal(student.peakAppMemory, 12_480);
    assert.equal(student.mmap, 4);
    assert.equal(student.munmap, 4);
    assert.equal(report.peak.appMemory, 12_480);
    assert.deepEqual(report.leaks, []);
    assert.deepEqual(report.errors, []);
  });

  it('prints the classic reports, then the leak summary, errors, peak and hints as text', async () => {
    const { status, stdout } = await lmm('run', join(examples, 'seed-testapp.lmm.ts'));
    assert.equal(status, 0);
    assert.match(stdout, /vm_page_family : student_t, struct size = 56\n\tApp Used Memory 0B, #Sys Calls 8/);
    assert.match(stdout, /LEAK SUMMARY:/);
    // The harness's own prints (mm_print_memory_usage at the peak) come first, where it called them.
    assert.match(stdout, /^allocated 120 students; the last is student_t 0x[0-9a-f]+ \{"name":"student 120","rollno":120,/);
    assert.match(stdout, /App Used Memory 12480B, #Sys Calls 4[^]*LEAK SUMMARY/);
    const order = ['vm_page_family', 'LEAK SUMMARY', 'ERROR SUMMARY', 'PEAK'].map((s) => stdout.indexOf(s));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
  });

  const leakExamples: [string, Record<string, number>][] = [
    ['leak-definitely-lost', { 'definitely-lost': 1 }],
    ['leak-indirectly-lost', { 'definitely-lost': 1, 'indirectly-lost': 4 }],
    ['leak-possibly-lost', { 'possibly-lost': 1, 'still-reachable': 1 }],
    ['leak-still-reachable', { 'still-reachable': 3 }],
  ];
  for (const [name, blocks] of leakExamples) {
    it(`classifies examples/${name}.lmm.ts`, async () => {
      const report = await jsonReport(join(examples, `${name}.lmm.ts`));
      const found: Record<string, number> = {};
      for (const r of report.leaks) found[r.kind] = (found[r.kind] ?? 0) + r.blocks;
      assert.deepEqual(found, blocks);
      assert.deepEqual(report.errors, []);
    });
  }

  it('charges the lost list’s nodes to its head (drags) and keeps the allocation stack', async () => {
    const report = await jsonReport(join(examples, 'leak-indirectly-lost.lmm.ts'));
    const head = report.leaks.find((r) => r.kind === 'definitely-lost')!;
    assert.deepEqual(head.drags, { blocks: 4, bytes: 64 });
    assert.deepEqual(
      head.stack.map((s) => s.line),
      [13, 22],
    );
  });

  it('runs examples/string-buffers.lmm.ts: XCALLOC_BUF names from family buf, leaked and dragged along', async () => {
    const report = await jsonReport(join(examples, 'string-buffers.lmm.ts'));
    const buffers = report.families.find((f) => f.name === 'buf')!;
    assert.equal(buffers.size, 1);
    const kinds = report.leaks.map((r) => `${r.kind} ${r.struct} ${r.blocks}/${r.bytes}`).sort();
    assert.deepEqual(kinds, [
      'definitely-lost buf 1/13', // remove_first() forgot the name of "Donald Knuth"
      'definitely-lost contact_t 1/24',
      'indirectly-lost buf 1/13', // "Ken Thompson", behind the stray contact
      'still-reachable book_t 1/16',
      'still-reachable buf 4/57',
      'still-reachable contact_t 4/96',
    ]);
    const forgotten = report.leaks.find((r) => r.kind === 'definitely-lost' && r.struct === 'buf')!;
    assert.deepEqual(
      forgotten.stack.map((s) => s.line),
      [22, 30, 50, 50],
    );
    assert.deepEqual(report.errors, []);
    // Page-fit and fragmentation hints count one unit per block: none for buffers.
    assert.deepEqual(
      report.hints.filter((h) => h.struct === 'buf'),
      [],
    );
  });

  it('hints at the padding a field reordering removes (examples/hints-padding.lmm.ts)', async () => {
    const report = await jsonReport(join(examples, 'hints-padding.lmm.ts'));
    const padding = report.hints.find((h) => h.kind === 'padding' && h.struct === 'sensor_t');
    assert.ok(padding, JSON.stringify(report.hints.map((h) => h.kind)));
    assert.ok(padding.savingBytes >= 8 * 64);
    assert.equal(report.structs.find((s) => s.name === 'sensor_t')!.size, 40);
  });

  it('exits 1 when a --fail-on kind occurred, 0 when it is suppressed (beside the harness or --suppressions)', async () => {
    const harness = join(dir, 'lost.lmm.ts');
    copyFileSync(join(examples, 'leak-definitely-lost.lmm.ts'), harness);
    const failing = await lmm('run', harness, '--fail-on', 'definitely-lost,error');
    assert.equal(failing.status, 1);
    assert.match(failing.stderr, /--fail-on: definitely-lost/);
    assert.equal((await lmm('run', harness, '--fail-on', 'indirectly-lost')).status, 0);

    const suppression = `{\n   the-first-hire\n   lmm:Leak\n   match-leak-kinds: definite\n   struct: emp_t\n   src:lost.lmm.ts:12\n}\n`;
    const explicit = join(dir, 'known.supp');
    writeFileSync(explicit, suppression);
    const suppressed = await lmm('run', harness, '--json', '--fail-on', 'definitely-lost', '--suppressions', explicit);
    assert.equal(suppressed.status, 0, suppressed.stderr);
    const report = JSON.parse(suppressed.stdout) as RunReport;
    assert.equal(report.leaks[0]!.suppressed, true);
    assert.equal(report.leakSummary.suppressed.blocks, 1);

    writeFileSync(join(dir, 'lost.lmmsupp'), suppression);
    assert.equal((await lmm('run', harness, '--fail-on', 'definitely-lost')).status, 0);
  });

  it('takes a valued option as memcheck writes it, --name=VALUE, the same as --name VALUE', async () => {
    const harness = join(dir, 'lost-inline.lmm.ts');
    copyFileSync(join(examples, 'leak-definitely-lost.lmm.ts'), harness);
    const failing = await lmm('run', harness, '--fail-on=definitely-lost,error');
    assert.equal(failing.status, 1, failing.stderr);
    assert.match(failing.stderr, /--fail-on: definitely-lost/);
    assert.equal((await lmm('run', harness, '--fail-on=indirectly-lost')).status, 0);

    const known = join(dir, 'inline.supp');
    writeFileSync(known, `{\n   first\n   lmm:Leak\n   match-leak-kinds: definite\n   struct: emp_t\n}\n`);
    const suppressed = await lmm('run', harness, '--json', `--suppressions=${known}`, '--fail-on=definitely-lost');
    assert.equal(suppressed.status, 0, suppressed.stderr);
    assert.equal((JSON.parse(suppressed.stdout) as RunReport).leakSummary.suppressed.blocks, 1);
    // An inline value is the whole rest of the word: `--time-limit=` is an empty value, not the next word.
    const empty = await lmm('run', harness, '--time-limit=', '5000');
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /^lmm run: --time-limit: takes a positive whole number of milliseconds, not ''/);
  });

  it("prints every kind's loss records as memcheck's --leak-check=full --show-leak-kinds=all, numbered most severe first", async () => {
    const harness = join(dir, 'kinds-in-order.lmm.ts');
    writeFileSync(
      harness,
      `import { struct, ptr, array, u8, global, MM_REG_STRUCT, XCALLOC, XCALLOC_BUF, XFREE, addressOf, mm_leak_check, exit } from 'lmm-studio';
@struct class node_t { @ptr(() => node_t) next!: node_t | null; @array(u8, 8) pad!: number[]; }
const kept = global<node_t>('kept');
const inside = global<node_t>('inside');
const early = global<node_t>('early');
export default function main(): void {
  MM_REG_STRUCT(node_t);
  const head = XCALLOC(1, node_t);
  head.next = XCALLOC(1, node_t);
  XCALLOC_BUF(24);
  const two = XCALLOC(2, node_t);
  inside.address = addressOf(two) + 16;
  kept.value = XCALLOC(1, node_t);
  early.value = XCALLOC(1, node_t);
  mm_leak_check();
  XFREE(early.value);
  exit(3);
}
`,
    );
    const { status, stdout, stderr } = await lmm('run', harness);
    // exit(3) ends the run as completed: lmm run's status is its own, 0 without --fail-on.
    assert.equal(status, 0, stderr);
    const recordsIn = (text: string) =>
      [
        ...text.matchAll(
          /^(.*) are (definitely lost|indirectly lost|possibly lost|still reachable) in loss record (\d+) of (\d+)/gm,
        ),
      ].map((m) => `${m[3]}/${m[4]}: ${m[1]} ${m[2]}`);
    const atExit = stdout.indexOf('HEAP SUMMARY:');
    const records = recordsIn(stdout.slice(atExit));
    // memcheck would number these by total size, smallest first: the 32-byte head (16 direct,
    // 16 indirect) last, after the 24-byte buffer. The block freed after the mid-run check is in
    // no record, nor in M.
    assert.deepEqual(records, [
      '1/5: 24 bytes in 1 block definitely lost',
      '2/5: 32 (16 direct, 16 indirect) bytes in 1 block definitely lost',
      '3/5: 16 bytes in 1 block indirectly lost',
      '4/5: 32 bytes in 1 block possibly lost',
      '5/5: 16 bytes in 1 block still reachable',
    ]);
    // memcheck's count: the 3 definitely or possibly lost records, at the mid-run check and at exit.
    assert.match(stdout, /^ERROR SUMMARY: 6 errors from 6 contexts \(suppressed: 0\)$/m);
    // --fail-on error is about memory errors, which this run has none of.
    assert.equal((await lmm('run', harness, '--fail-on', 'error')).status, 0);
    // The mid-run check, printed before the check at exit as memcheck prints it: its 6 records
    // (the block freed after it too), then its LEAK SUMMARY; the JSON has the same records.
    const midRun = stdout.slice(0, atExit);
    assert.match(midRun, /^leak check at .*kinds-in-order\.lmm\.ts:15:3 \(step \d+\):$/m);
    assert.deepEqual(recordsIn(midRun), [
      '1/6: 24 bytes in 1 block definitely lost',
      '2/6: 32 (16 direct, 16 indirect) bytes in 1 block definitely lost',
      '3/6: 16 bytes in 1 block indirectly lost',
      '4/6: 32 bytes in 1 block possibly lost',
      '5/6: 16 bytes in 1 block still reachable',
      '6/6: 16 bytes in 1 block still reachable',
    ]);
    assert.match(midRun, /^LEAK SUMMARY:\n {3}definitely lost: 40 bytes in 2 blocks\n/m);
    const json = JSON.parse((await lmm('run', harness, '--json')).stdout) as RunReport;
    assert.deepEqual(
      json.leakChecks[0]!.leaks.map((record) => `${record.kind} ${record.bytes}`),
      [
        'definitely-lost 24',
        'definitely-lost 16',
        'indirectly-lost 16',
        'possibly-lost 32',
        'still-reachable 16',
        'still-reachable 16',
      ],
    );
    // memcheck's --error-exitcode with its default --errors-for-leak-kinds, in memcheck's words.
    const gate = await lmm('run', harness, '--fail-on', 'definite,possible,error');
    assert.equal(gate.status, 1);
    assert.match(gate.stderr, /^lmm run: --fail-on: definitely-lost, possibly-lost occurred unsuppressed \(exit status 1\)\n$/m);
  });

  it('fails on memory errors with --fail-on error', async () => {
    const { status, stderr } = await lmm('run', join(examples, 'error-double-free.lmm.ts'), '--fail-on', 'error');
    assert.equal(status, 1);
    // Not the shape of a refused option (`lmm run: --fail-on: unknown kind 'x'`): it says what occurred.
    assert.equal(stderr, 'lmm run: --fail-on: error occurred unsuppressed (exit status 1)\n');
  });

  it('writes SARIF 2.1.0 with the leak and error locations', async () => {
    const { status, stdout } = await lmm('run', join(examples, 'error-use-after-free.lmm.ts'), '--sarif');
    assert.equal(status, 0);
    const sarif = JSON.parse(stdout) as {
      version: string;
      runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0]!.results.filter((r) => r.ruleId === 'use-after-free');
    assert.deepEqual(
      results.map((r) => r.locations[0]!.physicalLocation.region.startLine),
      [18, 19],
    );
  });

  it('exits 2 with FILE:LINE:COLUMN when the harness cannot run', async () => {
    const broken = join(dir, 'broken.lmm.ts');
    writeFileSync(broken, 'export default function main() {\n  return 1 +;\n}\n');
    const syntax = await lmm('run', broken);
    assert.equal(syntax.status, 2);
    assert.match(syntax.stderr, /broken\.lmm\.ts:2:13: Unexpected ";"/);

    const spin = join(dir, 'spin.lmm.ts');
    writeFileSync(spin, 'export default function main() {\n  for (;;) {}\n}\n');
    const timedOut = await lmm('run', spin, '--time-limit', '300');
    assert.equal(timedOut.status, 2);
    assert.match(timedOut.stderr, /spin\.lmm\.ts:2:3: time limit of 300 ms exceeded/);
    // A loop-free recursion stops at one of its calls: that call's line (no heap operation ran).
    const recurse = join(dir, 'recurse.lmm.ts');
    writeFileSync(
      recurse,
      'const f = (n: number): number => (n <= 0 ? 0 : 1 + f(n - 1) + f(n - 2));\nexport default function main() {\n  f(200);\n}\n',
    );
    const stuck = await lmm('run', recurse, '--time-limit', '300');
    assert.equal(stuck.status, 2);
    assert.match(stuck.stderr, /^\S*recurse\.lmm\.ts:1:(52|63): time limit of 300 ms exceeded \(the harness was stopped\)\n$/);
    // No line is known for a built-in call that never returns, killed with its process.
    const backtracks = join(dir, 'backtracks.lmm.ts');
    writeFileSync(backtracks, "export default function main() {\n  return /^(a+)+$/.test('a'.repeat(40) + 'b');\n}\n");
    const killed = await lmm('run', backtracks, '--time-limit', '300');
    assert.equal(killed.status, 2);
    assert.equal(killed.stderr, `${backtracks}: time limit of 300 ms exceeded (the harness was stopped)\n`);
    // Nor is a line known for a wait that never ends (no loop turn, no heap operation).
    const waits = join(dir, 'waits.lmm.ts');
    writeFileSync(waits, 'export default async function main() {\n  await new Promise(() => undefined);\n}\n');
    const waited = await lmm('run', waits, '--time-limit', '300');
    assert.equal(waited.status, 2);
    assert.equal(
      waited.stderr,
      `${waits}: time limit of 300 ms exceeded while main's promise was pending, with no harness code left to run: nothing settles it (the harness was stopped)\n`,
    );

    assert.equal((await lmm('run', join(dir, 'missing.lmm.ts'))).status, 2);
    assert.equal((await lmm('run', spin, '--fail-on', 'nonsense')).status, 2);
    assert.equal((await lmm('run')).status, 2);
  });

  it("`lmm --help` names every option of `lmm run`'s own usage", async () => {
    const help = await lmm('--help');
    const runLine = help.stdout.split('\n').find((line) => line.trimStart().startsWith('lmm run '));
    assert.ok(runLine, help.stdout);
    for (const option of RUN_USAGE.match(/--[a-z-]+/g)!) assert.ok(runLine.includes(option), `${option} missing: ${runLine}`);
  });

  it('takes --page-size', async () => {
    const report = await jsonReport(join(examples, 'seed-testapp.lmm.ts'), '--page-size', '8192');
    assert.equal(report.pageSize, 8192);
    assert.equal(report.families.find((f) => f.name === 'student_t')!.peakPages, 2);
  });
});
