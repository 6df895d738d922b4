import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { toSarif } from '../../../src/analysis/sarif';
import { formatTextReport } from '../../../src/analysis/textReport';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { inProcessHarness } from '../../support/inProcessHarness';

/** Memory errors of accesses through views name the access as memcheck does. */
describe('memory errors name the access: read or write, size, field, offset from the block, free site', () => {
  function setup() {
    const h = inProcessHarness();
    const { struct, char, u32, u64, ptr, field, array } = h.lmm;

    @struct
    class point_t {
      @u32 x!: number;
      @u32 y!: number;
    }

    @struct
    class student_t {
      @char(32) name!: string;
      @u32 rollno!: number;
      @u32 marks_phys!: number;
      @u32 marks_chem!: number;
      @u32 marks_maths!: number;
      @ptr(() => student_t) next!: student_t | null;
    }

    @struct
    class shape_t {
      @u64 id!: bigint;
      @field(() => point_t) at!: point_t;
      @array(u32, 4) sides!: number[];
    }
    h.lmm.MM_REG_STRUCT(point_t);
    h.lmm.MM_REG_STRUCT(student_t);
    h.lmm.MM_REG_STRUCT(shape_t);
    return { ...h, student_t, shape_t };
  }

  it('a write past the end of a one-struct block', () => {
    const { runtime, lmm, student_t } = setup();
    const s = lmm.XCALLOC(1, student_t);
    s[1].rollno = 4;
    assert.equal(runtime.errors.length, 1);
    const error = runtime.errors[0]!;
    assert.equal(error.kind, 'out-of-bounds');
    assert.equal(
      error.message,
      'Invalid write of size 4: field `rollno`, 32 bytes after the end of a 56-byte student_t block allocated at test.lmm.ts',
    );
    assert.deepEqual(error.access, {
      operation: 'write',
      size: 4,
      field: 'rollno',
      offset: 88,
      blockBytes: 56,
      struct: 'student_t',
    });
  });

  it('a read before the start, of 8 bytes (a pointer field), in a block of several units', () => {
    const { runtime, lmm, student_t } = setup();
    const list = lmm.XCALLOC(3, student_t);
    assert.equal(list[-1].next, null);
    assert.equal(
      runtime.errors[0]!.message,
      'Invalid read of size 8: field `next`, 8 bytes before the start of a 168-byte block of 3 × student_t allocated at test.lmm.ts',
    );
    assert.equal(runtime.errors[0]!.access!.offset, -8);
  });

  it('a use after free: the offset inside the block, and where it was freed', () => {
    const { runtime, lmm, student_t } = setup();
    const s = lmm.XCALLOC(1, student_t);
    lmm.XFREE(s);
    void s.marks_chem;
    const error = runtime.errors[0]!;
    assert.equal(error.kind, 'use-after-free');
    assert.equal(
      error.message,
      'Invalid read of size 4: field `marks_chem`, 40 bytes inside a 56-byte student_t block freed at test.lmm.ts, allocated at test.lmm.ts',
    );
    assert.ok(error.freeSite && error.allocSite, 'the record keeps the sites');
    assert.deepEqual(error.access, {
      operation: 'read',
      size: 4,
      field: 'marks_chem',
      offset: 40,
      blockBytes: 56,
      struct: 'student_t',
    });
  });

  it('the leaf of a nested struct and an array element, at their offsets in the block', () => {
    const { runtime, lmm, shape_t } = setup();
    const shape = lmm.XCALLOC(1, shape_t);
    lmm.XFREE(shape);
    shape.at.y = 1;
    void shape.sides[2];
    assert.deepEqual(
      runtime.errors.map((e) => [e.kind, e.access]),
      [['use-after-free', { operation: 'write', size: 4, field: 'y', offset: 12, blockBytes: 32, struct: 'shape_t' }]],
      'one record per (kind, site): both accesses share this test’s site',
    );
    assert.equal(runtime.errors[0]!.count, 2);
    // Past the end: an element of an array field of a unit after the block.
    const shapes = lmm.XCALLOC(1, shape_t);
    shapes[1].sides[3] = 5;
    const outOfBounds = runtime.errors.find((e) => e.kind === 'out-of-bounds')!;
    assert.deepEqual(outOfBounds.access, {
      operation: 'write',
      size: 4,
      field: 'sides[3]',
      offset: 32 + 16 + 12,
      blockBytes: 32,
      struct: 'shape_t',
    });
  });

  it('an element view past the end is no error until it is read or written (as &v[n] in C)', () => {
    const { runtime, lmm, student_t } = setup();
    const list = lmm.XCALLOC(2, student_t);
    const end = list[2];
    assert.equal(lmm.addressOf(end) - lmm.addressOf(list), 112);
    assert.equal(runtime.errors.length, 0);
    end.name = 'x';
    assert.equal(runtime.errors.length, 1);
    assert.match(
      runtime.errors[0]!.message,
      /^Invalid write of size 32: field `name`, 0 bytes after the end of a 112-byte block of 2 × student_t/,
    );
  });

  it('reaches the report as text, JSON and SARIF (the message, and `access` in the record)', async () => {
    const result = await runHarnessFile(join(__dirname, '..', '..', '..', 'examples', 'error-use-after-free.lmm.ts'), {
      classicText: true,
    });
    const report = result.finished!.report;
    const write = report.errors.find((e) => e.access?.operation === 'write')!;
    assert.match(
      write.message,
      /^Invalid write of size 4: field `expires`, 16 bytes inside a 20-byte session_t block freed at error-use-after-free\.lmm\.ts:\d+:\d+, allocated at error-use-after-free\.lmm\.ts:\d+:\d+$/,
    );
    assert.deepEqual(write.access, {
      operation: 'write',
      size: 4,
      field: 'expires',
      offset: 16,
      blockBytes: 20,
      struct: 'session_t',
    });
    const text = formatTextReport(report, result.finished!.classicText!);
    assert.ok(text.includes(write.message), 'the text report has the message');
    const sarif = toSarif(report);
    const results = sarif.runs[0]!.results.filter((r) => r.ruleId === 'use-after-free');
    const sarifWrite = results.find((r) => r.message.text.startsWith(write.message));
    assert.ok(sarifWrite, 'SARIF has the message');
    assert.deepEqual((sarifWrite.properties as { access?: unknown } | undefined)?.access, write.access);
  });
});
