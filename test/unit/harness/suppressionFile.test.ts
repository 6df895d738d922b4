import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '../../../src/analysis/analysisInput';
import { matchErrorSuppression, matchLeakSuppression, parseSuppressions } from '../../../src/analysis/suppressions';
import { runHarnessFile } from '../../../src/harness/runHarness';
import {
  addSuppression,
  MAX_SUPPRESSIONS_FILE_BYTES,
  readSuppressionsFile,
  SuppressionFileError,
  suppressionFileCandidates,
  suppressionsBeside,
} from '../../../src/harness/suppressionFile';

const site = (file: string, line: number, column = 3): Site => ({ file, line, column });

describe('Suppress: appending an entry to the harness’s .lmmsupp', () => {
  let dir: string;
  let harness: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-suppress-'));
    harness = join(dir, 'school.lmm.ts');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const entriesIn = (file: string) => parseSuppressions(readFileSync(file, 'utf8'), file);
  const hire = [site('/w/school.lmm.ts', 12), site('/w/school.lmm.ts', 20)];

  it('creates <name>.lmmsupp with an entry that silences exactly that leak, and not its neighbours', async () => {
    const added = await addSuppression(harness, { kind: 'definitely-lost', struct: 'emp_t', stack: hire });
    assert.deepEqual(added, {
      file: join(dir, 'school.lmmsupp'),
      name: 'emp_t-definitely-lost-at-school.lmm.ts:12',
      added: true,
      created: true,
    });
    const entries = entriesIn(added.file);
    assert.equal(entries.length, 1);
    assert.equal(matchLeakSuppression(entries, 'definitely-lost', 'emp_t', hire)?.name, added.name);
    // The same allocation line reached from another call in main is another leak.
    assert.equal(matchLeakSuppression(entries, 'definitely-lost', 'emp_t', [hire[0]!, site('/w/school.lmm.ts', 21)]), undefined);
    assert.equal(matchLeakSuppression(entries, 'indirectly-lost', 'emp_t', hire), undefined, 'another kind');
    assert.equal(matchLeakSuppression(entries, 'definitely-lost', 'dept_t', hire), undefined, 'another struct');
    assert.equal(
      matchLeakSuppression(entries, 'definitely-lost', 'emp_t', [site('/w/school.lmm.ts', 12, 4), hire[1]!]),
      undefined,
    );
    assert.equal(matchLeakSuppression(entries, 'definitely-lost', 'emp_t', [site('/w/other.lmm.ts', 12), hire[1]!]), undefined);
    assert.equal(matchErrorSuppression(entries, 'double-free', hire), undefined, 'a leak entry never silences an error');
  });

  it('writes an error entry for that error kind at that stack only', async () => {
    const stack = [site('/w/school.lmm.ts', 7), site('/w/school.lmm.ts', 30)];
    const added = await addSuppression(harness, { kind: 'double-free', stack });
    const entries = entriesIn(added.file);
    assert.equal(matchErrorSuppression(entries, 'double-free', stack)?.name, 'double-free-at-school.lmm.ts:7');
    assert.equal(matchErrorSuppression(entries, 'invalid-free', stack), undefined);
    assert.equal(matchErrorSuppression(entries, 'double-free', [site('/w/school.lmm.ts', 8), stack[1]!]), undefined);
    assert.equal(matchLeakSuppression(entries, 'definitely-lost', 'emp_t', stack), undefined);
  });

  it('appends to an existing file without changing a byte of it, even one with no final newline', async () => {
    const file = join(dir, 'school.lmmsupp');
    const before = '# kept on purpose\n{\n   the-list\n   lmm:Leak\n   match-leak-kinds: reachable\n}';
    writeFileSync(file, before);
    const added = await addSuppression(harness, { kind: 'definitely-lost', struct: 'emp_t', stack: hire });
    assert.deepEqual([added.added, added.created, added.file], [true, false, file]);
    const after = readFileSync(file, 'utf8');
    assert.ok(after.startsWith(before + '\n'), after);
    assert.deepEqual(
      entriesIn(file).map((s) => s.name),
      ['the-list', added.name],
    );
  });

  it('writes to the folder’s shared .lmmsupp when the run reads that one', async () => {
    const shared = join(dir, '.lmmsupp');
    writeFileSync(shared, '');
    const added = await addSuppression(harness, { kind: 'double-free', stack: hire });
    assert.equal(added.file, shared);
    assert.equal(existsSync(join(dir, 'school.lmmsupp')), false);
    assert.deepEqual(await suppressionsBeside(harness), { file: shared, text: readFileSync(shared, 'utf8') });
    assert.deepEqual(suppressionFileCandidates(join(dir, 'a.ts')), [join(dir, 'a.lmmsupp'), shared]);
  });

  it('adds nothing when an entry already silences the finding, and a second name never repeats the first', async () => {
    const first = await addSuppression(harness, { kind: 'definitely-lost', struct: 'emp_t', stack: hire });
    const text = readFileSync(first.file, 'utf8');
    const again = await addSuppression(harness, { kind: 'definitely-lost', struct: 'emp_t', stack: hire });
    assert.deepEqual(again, { file: first.file, name: first.name, added: false, created: false });
    assert.equal(readFileSync(first.file, 'utf8'), text);
    // Same kind, struct and innermost line, another caller: a new entry with its own name.
    const other = await addSuppression(harness, {
      kind: 'definitely-lost',
      struct: 'emp_t',
      stack: [hire[0]!, site('/w/school.lmm.ts', 21)],
    });
    assert.equal(other.name, `${first.name}-2`);
    assert.equal(entriesIn(first.file).length, 2);
  });

  it('refuses, writing nothing, a file that does not parse, an unknown kind, a leak without struct, an empty stack', async () => {
    const file = join(dir, 'school.lmmsupp');
    writeFileSync(file, '{\n   half\n   lmm:Leak\n');
    await assert.rejects(
      addSuppression(harness, { kind: 'definitely-lost', struct: 'emp_t', stack: hire }),
      /school\.lmmsupp:1: suppression is not closed with '\}': fix this entry first; nothing was added to school\.lmmsupp/,
    );
    assert.equal(readFileSync(file, 'utf8'), '{\n   half\n   lmm:Leak\n');
    rmSync(file);
    await assert.rejects(addSuppression(harness, { kind: 'memory-hog', stack: hire }), /cannot suppress 'memory-hog'/);
    await assert.rejects(addSuppression(harness, { kind: 'definitely-lost', stack: hire }), /its struct is unknown/);
    await assert.rejects(addSuppression(harness, { kind: 'double-free', stack: [] }), /no call stack/);
    await assert.rejects(
      addSuppression(join(dir, 'school.trace'), { kind: 'double-free', stack: hire }),
      /school\.trace is a trace/,
    );
    assert.equal(existsSync(join(dir, 'school.lmmsupp')), false);
    assert.equal(existsSync(file), false);
  });

  it('the next run no longer reports the suppressed error, and still reports its neighbour', async function () {
    this.timeout(60_000);
    writeFileSync(
      harness,
      `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';
@struct class req_t { @u32 id!: number; }
function lose(id: number) { const r = XCALLOC(1, req_t)!; r.id = id; }
export default function main() {
  MM_REG_STRUCT(req_t);
  const req = XCALLOC(1, req_t)!;
  XFREE(req);
  XFREE(req);
  XFREE(req);
  lose(1);
  lose(2);
}
`,
    );
    type Report = {
      errors: { kind: string; site: Site; stack: Site[]; suppressed?: boolean }[];
      leaks: { kind: string; struct: string; stack: Site[]; suppressed: boolean }[];
    };
    const run = async () => {
      const suppressions = await suppressionsBeside(harness);
      const result = await runHarnessFile(harness, suppressions ? { suppressions } : {});
      assert.equal(result.outcome, 'completed', result.message);
      return result.finished!.report as unknown as Report;
    };
    const first = await run();
    const error = first.errors.find((e) => e.site.line === 8)!;
    const leak = first.leaks.find((l) => l.stack[1]?.line === 10)!;
    assert.ok(error && leak, JSON.stringify(first));
    await addSuppression(harness, { kind: error.kind, stack: error.stack });
    await addSuppression(harness, { kind: leak.kind, struct: leak.struct, stack: leak.stack });

    const second = await run();
    const suppressed = (list: { suppressed?: boolean }[]) => list.map((r) => r.suppressed === true);
    assert.deepEqual(second.errors.map((e) => [e.site.line, e.suppressed === true]).sort(), [
      [8, true],
      [9, false],
    ]);
    assert.deepEqual(second.leaks.map((l) => [l.stack[1]?.line, l.suppressed]).sort(), [
      [10, true],
      [11, false],
    ]);
    assert.equal(suppressed(second.leaks).length, first.leaks.length);
  });

  it('a .lmmsupp beside the harness that is a device, a FIFO or a folder is passed over, not read without end', async function () {
    this.timeout(10_000);
    const shared = join(dir, '.lmmsupp');
    writeFileSync(shared, '# the folder’s own\n');
    const own = join(dir, 'school.lmmsupp');
    if (existsSync('/dev/zero')) {
      symlinkSync('/dev/zero', own);
      assert.deepEqual(await suppressionsBeside(harness), { file: shared, text: '# the folder’s own\n' });
      rmSync(own);
    }
    let fifo = false;
    try {
      execFileSync('mkfifo', [own]);
      fifo = true;
    } catch {
      // no mkfifo here: the device and the folder still try it
    }
    if (fifo) {
      // Reading a FIFO nobody writes to would wait for ever: the test's timeout catches that.
      assert.deepEqual(await suppressionsBeside(harness), { file: shared, text: '# the folder’s own\n' });
      rmSync(own);
    }
    execFileSync('mkdir', [own]);
    rmSync(shared);
    assert.equal(await suppressionsBeside(harness), undefined);
  });

  it('a .lmmsupp beside the harness larger than a suppressions file may be refuses the run with its size, and Suppress writes nothing to it', async () => {
    const own = join(dir, 'school.lmmsupp');
    writeFileSync(own, '');
    truncateSync(own, MAX_SUPPRESSIONS_FILE_BYTES + 1);
    await assert.rejects(
      suppressionsBeside(harness),
      (error: Error) =>
        error instanceof SuppressionFileError &&
        error.message === `${own}: ${MAX_SUPPRESSIONS_FILE_BYTES + 1} bytes, more than a suppressions file may have (16 MiB)`,
    );
    await assert.rejects(addSuppression(harness, { kind: 'double-free', stack: hire }), SuppressionFileError);
    assert.equal(readFileSync(own).length, MAX_SUPPRESSIONS_FILE_BYTES + 1);
    // At the bound it is still read (a file of that size is refused by its parser, at its line, not here).
    truncateSync(own, MAX_SUPPRESSIONS_FILE_BYTES);
    assert.equal((await suppressionsBeside(harness))?.text.length, MAX_SUPPRESSIONS_FILE_BYTES);
  });

  it('the suppressions file a setting names: a device, a folder, a missing or a huge file is refused with its path and why', async () => {
    if (existsSync('/dev/zero')) {
      await assert.rejects(readSuppressionsFile('/dev/zero'), {
        message: '/dev/zero: not a regular file (a suppressions file is text)',
      });
    }
    await assert.rejects(readSuppressionsFile(dir), { message: `${dir}: not a regular file (a suppressions file is text)` });
    const missing = join(dir, 'none.lmmsupp');
    await assert.rejects(readSuppressionsFile(missing), { message: `${missing}: cannot read: no such file` });
    const huge = join(dir, 'huge.lmmsupp');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_SUPPRESSIONS_FILE_BYTES + 1);
    await assert.rejects(readSuppressionsFile(huge), SuppressionFileError);
    const fine = join(dir, 'fine.lmmsupp');
    writeFileSync(fine, '# nothing yet\n');
    assert.equal(await readSuppressionsFile(fine), '# nothing yet\n');
  });
});
