// Each example's header comment is a promise about what `lmm run` shows for it: a newcomer reads
// the comment, runs the example and compares. These tests read the figures, names and quotes
// from the comments themselves where they can, so a comment cannot drift from the output.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../../src/analysis/runReport';
import { lmm } from '../../support/lmmCli';

const examples = join(__dirname, '..', '..', '..', 'examples');
const source = (name: string) => readFileSync(join(examples, `${name}.lmm.ts`), 'utf8');

async function textRun(name: string): Promise<string> {
  const { status, stdout, stderr } = await lmm('run', join(examples, `${name}.lmm.ts`));
  assert.equal(status, 0, stderr);
  return stdout;
}

async function jsonRun(name: string): Promise<RunReport> {
  const { status, stdout, stderr } = await lmm('run', join(examples, `${name}.lmm.ts`), '--json');
  assert.equal(status, 0, stderr);
  return JSON.parse(stdout) as RunReport;
}

/** The first group a pattern captures in the example's source (its comments included). */
function said(name: string, pattern: RegExp): string {
  const match = pattern.exec(source(name));
  assert.ok(match, `examples/${name}.lmm.ts says ${pattern}`);
  return match[1]!;
}

describe('the examples keep the promises of their comments', function () {
  this.timeout(60_000);

  it('hints-padding: the sizes its comments give, and a hint for the site of short-lived blocks', async () => {
    const report = await jsonRun('hints-padding');
    const padding = report.hints.find((h) => h.kind === 'padding' && h.struct === 'sensor_t')!;
    const sensor = report.structs.find((s) => s.name === 'sensor_t')!;
    assert.equal(sensor.size, Number(said('hints-padding', /= (\d+) bytes; sorted by alignment/)));
    const sorted = Number(said('hints-padding', /sorted by alignment it needs (\d+)\./));
    assert.equal(sensor.size - padding.perObjectBytes!, sorted, padding.message);
    assert.match(padding.message, new RegExp(`\\} is ${sorted} bytes`));

    const fit = report.hints.find((h) => h.kind === 'page-fit' && h.struct === 'log_entry_t')!;
    const [, size, perPage, stranded] = /(\d+) bytes: (\d+) fit a page, and the last (\d+) bytes of every page are stranded/.exec(
      source('hints-padding'),
    )!;
    assert.equal(report.structs.find((s) => s.name === 'log_entry_t')!.size, Number(size));
    assert.equal(fit.blocksPerPage, Number(perPage), fit.message);
    assert.equal(fit.strandedBytesPerPage, Number(stranded), fit.message);

    // "a site that allocates many short-lived blocks": the scratch entries' XCALLOC.
    const scratchLine =
      source('hints-padding')
        .split('\n')
        .findIndex((line) => /short-lived: freed at the next/.test(line)) + 1;
    const shortLived = report.hints.filter((h) => h.kind === 'short-lived');
    assert.deepEqual(
      shortLived.map((h) => [h.struct, h.site?.line]),
      [['log_entry_t', scratchLine]],
      JSON.stringify(report.hints.map((h) => h.kind)),
    );
  });

  it('hints write a count as the rest of the report does: "1 byte", and thousands with commas', async () => {
    const padding = await textRun('hints-padding');
    // station_t: 32 + 48 bytes, 50 a page, 72 bytes stranded: one more byte each still fits.
    assert.match(padding, /station_t \(32 bytes[^\n]* Fields up to 1 byte larger would cost no extra page\./);
    assert.doesNotMatch(padding, /\b1 bytes\b/);
    const memory = await textRun('error-out-of-memory');
    // chunk_t strands 904 bytes in each of the 7 pages of the peak: the tag and the text say the same figure.
    assert.match(memory, /\[page-fit, saves 6,328 bytes\] chunk_t [^\n]*: 6,328 bytes over the 7 page\(s\) at the peak\./);
  });

  it('leak-indirectly-lost: the report says the words the comment quotes', async () => {
    const quoted = said('leak-indirectly-lost', /charges them to the head \("([^"]+)"\)/);
    const text = await textRun('leak-indirectly-lost');
    assert.ok(text.includes(quoted), `"${quoted}" is not in:\n${text}`);
  });

  it('string-buffers: the function the comment blames is the one in the program, and its name is lost', async () => {
    const blamed = said('string-buffers', /\/\/ check follows it\. (\w+)\(\) frees the contact but forgets its name/);
    const body = said('string-buffers', new RegExp(`function ${blamed}\\([^)]*\\): void \\{([^]*?)\\n\\}`));
    assert.match(body, /XFREE\(c\); \/\/ forgets XFREE\(c\.name\)/);
    const text = await textRun('string-buffers');
    assert.match(text, /13 bytes in 1 block are definitely lost in loss record \d+ of \d+ \(buf\)/);
  });

  it('error-double-free: the second XFREE is reported with both sites, and the heap is intact', async () => {
    const text = await textRun('error-double-free');
    const at = (line: number, column: number) => `${join(examples, 'error-double-free.lmm.ts')}:${line}:${column}`;
    // memcheck's order: the free stack, then the allocation stack, each under its heading.
    assert.ok(
      text.includes(
        `\n   at ${at(15, 3)}\n Block was freed at\n   at ${at(14, 3)}\n Block was allocated at\n   at ${at(12, 13)}\n`,
      ),
      text,
    );
    assert.equal(text.match(/^double-free: /gm)?.length, 1);
    // Intact: the block was freed once, its page went back, nothing is left in use.
    assert.match(text, /in use at exit: 0 bytes in 0 blocks\n {2}total heap usage: 1 allocs, 2 frees,/);
    assert.match(text, /# Of VM Pages in Use : 0 \(0 Bytes\)\n/);
    assert.match(text, /^buffer_t +TBC : 0 +FBC : 0 +OBC : 0 +AppMemUsage : 0$/m);
  });

  it('error-too-large: "4096 − 72 bytes with 4 KiB pages" is the figure in the message', async () => {
    const figure = said('error-too-large', /\((\d+) − (?:\d+) bytes with 4 KiB pages\)/);
    const overhead = said('error-too-large', /\((?:\d+) − (\d+) bytes with 4 KiB pages\)/);
    const text = await textRun('error-too-large');
    assert.match(
      text,
      new RegExp(
        `^too-large: 16 × row_t \\(4096 bytes\\) exceeds the ${Number(figure) - Number(overhead)} bytes one 4096-byte page can serve$`,
        'm',
      ),
    );
  });

  it('error-out-of-bounds: five accesses reported, the long string cut to 7 bytes, and the run completes', async () => {
    assert.match(source('error-out-of-bounds'), /than its char\[n\], which is cut to fit\. Reads out of bounds give 0/);
    // The example throws unless the reads gave 0 and the string kept 'Operati': a completed run is the proof.
    const report = await jsonRun('error-out-of-bounds');
    assert.deepEqual(
      report.errors.map((e) => `${e.kind} ${e.site.line}`),
      ['out-of-bounds 14', 'out-of-bounds 15', 'out-of-bounds 16', 'out-of-bounds 17', 'out-of-bounds 17'],
    );
    assert.match(report.errors[2]!.message, /a string of 17 bytes does not fit \(truncated to 7\)/);
    // Each names the field it touched, a write (marks[4] = 99) as a read does.
    const lines = source('error-out-of-bounds').split('\n');
    assert.deepEqual(
      report.errors.map((e) => /^\w+/.exec(lines[e.site.line - 1]!.slice(e.site.column - 1))?.[0]),
      ['course', 'marks', 'course', 'marks', 'marks'],
    );
  });

  it('error-invalid-free: elements 1 and 2 are invalid frees; XFREE(null) is no error and no free', async () => {
    const report = await jsonRun('error-invalid-free');
    const nullLine =
      source('error-invalid-free')
        .split('\n')
        .findIndex((line) => line.includes('XFREE(null)')) + 1;
    assert.deepEqual(
      report.errors.map((e) => [e.kind, e.site.line]),
      [
        ['invalid-free', 14],
        ['invalid-free', 15],
      ],
    );
    assert.ok(report.errors.every((e) => e.site.line !== nullLine));
    assert.match(report.errors[0]!.message, /8 bytes past its start$/);
    assert.match(report.errors[1]!.message, /16 bytes past its start$/);
    // Two invalid frees and the real one are frees, as memcheck counts them; free(NULL) is nothing.
    assert.deepEqual(report.totals.heapUsage, { allocs: 1, frees: 3, bytes: 24 });
  });

  it('error-duplicate-registration: the second MM_REG_STRUCT is refused, the first stays', async () => {
    const report = await jsonRun('error-duplicate-registration');
    assert.deepEqual(
      report.errors.map((e) => [e.kind, e.stack.map((s) => s.line)]),
      [['duplicate-registration', [10, 15]]],
    );
    assert.deepEqual(report.totals.heapUsage, { allocs: 1, frees: 1, bytes: 4 });
  });

  it('error-struct-too-large: refused at registration, then its XCALLOC fails as an unregistered struct', async () => {
    const report = await jsonRun('error-struct-too-large');
    assert.deepEqual(
      report.errors.map((e) => [e.kind, e.site.line]),
      [
        ['struct-too-large', 11],
        ['unregistered-struct', 12],
      ],
    );
  });

  it('hash-table: the teardown’s leak is found, with the stack through table_insert and new_entry', async () => {
    const lines = source('hash-table').split('\n');
    /** The lines of a function's body: from its `function NAME(` line to the next line that is `}`. */
    const body = (name: string) => {
      const first = lines.findIndex((line) => line.startsWith(`function ${name}(`)) + 1;
      const last = lines.findIndex((line, i) => i >= first && line === '}') + 1;
      return [first, last] as const;
    };
    const within = (line: number, [first, last]: readonly [number, number]) => line > first && line < last;
    const report = await jsonRun('hash-table');
    assert.deepEqual(
      report.leaks.map((r) => r.kind),
      ['definitely-lost'],
    );
    const [allocation, insert] = report.leaks[0]!.stack;
    assert.ok(within(allocation!.line, body('new_entry')), `${allocation!.line} is in new_entry`);
    assert.ok(within(insert!.line, body('table_insert')), `${insert!.line} is in table_insert`);
    assert.equal(report.leaks[0]!.struct, 'entry_t');
  });

  it('error-out-of-memory: the message says the cap of pages the comment names is reached, and the run goes on', async () => {
    const pages = Number(said('error-out-of-memory', /with the simulated memory capped at (\d+) pages/));
    const report = await jsonRun('error-out-of-memory');
    assert.deepEqual(
      report.errors.map((e) => [e.kind, e.message]),
      [
        [
          'out-of-memory',
          `out of memory: no page for 1 × chunk_t: the memory cap (${pages * 4096} bytes, ${pages} pages of 4096) is reached`,
        ],
      ],
    );
    // The run went on: every chunk it got was freed after the failure.
    assert.deepEqual(report.totals.heapUsage, { allocs: 21, frees: 21, bytes: 21 * 1008 });
  });
});
