/**
 * docs/trace-format.md, rule by rule: each way it says a trace is malformed is tried at the first
 * line, at a last line cut short (no line end), on a line ended by CR LF and after a BOM; each
 * must exit 2 with `FILE:LINE: what is wrong` and nothing on standard output, whatever the lines
 * before it printed. The figures the document gives are the code's, and each is tried at its edge.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HELD_OUTPUT_BYTES } from '../../../src/cli/traceCommand';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE } from '../../../src/engine/constants';
import { MAX_LINE_BYTES } from '../../../src/trace/traceReader';
import { lmm } from '../../support/lmmCli';

const doc = readFileSync(resolve(__dirname, '../../../docs/trace-format.md'), 'utf8').replace(/\s+/g, ' ');

describe('docs/trace-format.md, rule by rule', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-trace-rules-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let count = 0;
  const trace = async (text: string | Uint8Array) => {
    const file = join(dir, `t${count++}.trace`);
    writeFileSync(file, text);
    const result = await lmm('trace', file);
    return { ...result, stderr: result.stderr.replaceAll(`${file}:`, 'FILE:') };
  };

  it('gives the figures the code uses', () => {
    assert.match(doc, new RegExp(`Optional \\(${DEFAULT_PAGE_SIZE} when absent\\)`));
    assert.match(doc, new RegExp(`a multiple of 8 from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE},`));
    assert.match(doc, /above 4294967295/);
    assert.equal(MAX_LINE_BYTES, 1_048_576);
    assert.match(doc, /a line longer than 1 MiB \(1,048,576 bytes, its line end not counted/);
    assert.equal(HELD_OUTPUT_BYTES, 16 * 2 ** 20);
    assert.match(doc, /past 16 MiB of output/);
  });

  /**
   * [what the document says is malformed, a valid line to put before it, the line, its message].
   * A page line's rules hold only before any other command, and two rules need the line before
   * them (a second page line, a page line after a command): those are tried right after it.
   */
  const rules: [string, string, string, string][] = [
    ['a free of an ID no alloc line named', 'reg s_t 8', 'free a9', "free of 'a9', which no earlier alloc line named"],
    ['an unknown command', 'reg s_t 8', 'malloc a1 s_t 1', "unknown command 'malloc' (expected page, reg, alloc, free, dump)"],
    [
      'too few words',
      'reg s_t 8',
      'alloc a1 s_t',
      `'alloc' takes an ID, a struct name and units: alloc ID NAME UNITS: "alloc a1 s_t"`,
    ],
    ['too many words', 'reg s_t 8', 'dump now', `'dump' takes no arguments: "dump now"`],
    ['a number that is not a whole number', 'reg s_t 8', 'alloc a1 s_t 1.5', "units must be a whole number, not '1.5'"],
    ['a negative number', 'reg s_t 8', 'reg t_t -8', "struct size must be a whole number, not '-8'"],
    ['a number above 4294967295', 'reg s_t 8', 'alloc a1 s_t 4294967296', 'units 4294967296 is too large'],
    ['a size above 4294967295', 'reg s_t 8', 'reg t_t 99999999999', 'struct size 99999999999 is too large'],
    [
      'a page size not a multiple of 8',
      '# page first',
      'page 4100',
      'page size must be a multiple of 8 from 128 to 262144, not 4100',
    ],
    ['a page size below 128', '# page first', 'page 120', 'page size must be a multiple of 8 from 128 to 262144, not 120'],
    [
      'a page size above 262144',
      '# page first',
      'page 262152',
      'page size must be a multiple of 8 from 128 to 262144, not 262152',
    ],
    ['a second page line', 'page 4096', 'page 8192', 'a second page line'],
    ['a page line after another command', 'reg s_t 8', 'page 8192', "'page' must come before any reg, alloc, free or dump"],
    ['a NUL byte', 'reg s_t 8', 'dump\u0000', 'a NUL byte at column 5 (a trace is text)'],
    ['another control character', 'reg s_t 8', 'reg\u001bt 8', 'control byte 0x1b at column 4 (a trace is text)'],
  ];

  for (const [what, before, line, message] of rules) {
    const needsBefore = what === 'a second page line' || what === 'a page line after another command';
    /** Lines that print output, where the rule allows them before the line. */
    const printing = line.startsWith('page') ? '# no command may come before a page line' : 'reg o_t 8\nalloc o1 o_t 1\ndump';
    const shown = (text: string) => text.split('\n').length;
    describe(what, () => {
      it(needsBefore ? 'right after the line it needs, and after a BOM' : 'at the first line, and after a BOM', async () => {
        for (const bom of ['', '\ufeff']) {
          const text = needsBefore ? `${bom}${before}\n${line}\n` : `${bom}${line}\n${before}\n`;
          const result = await trace(text);
          const at = needsBefore ? 2 : 1;
          assert.deepEqual(
            [result.status, result.stdout, result.stderr],
            [2, '', `FILE:${at}: ${message}\n`],
            JSON.stringify(bom),
          );
        }
      });

      it('at a last line without its line end, after lines that printed output', async () => {
        const head = needsBefore ? `${before}\n\n` : `${before}\n${printing}\n\n`;
        const result = await trace(`${head}${line}`);
        assert.deepEqual([result.status, result.stdout, result.stderr], [2, '', `FILE:${shown(head)}: ${message}\n`]);
      });

      it('on a line ended by CR LF, among others', async () => {
        const result = await trace(`${before}\r\n# note\r\n${line}\r\ndump\r\n`);
        assert.deepEqual([result.status, result.stdout, result.stderr], [2, '', `FILE:3: ${message}\n`]);
      });
    });
  }

  it('separates words by spaces, tabs or CRs', async () => {
    assert.match(doc, /Words are separated by spaces, tabs or CRs, so Windows line ends are fine/);
    const result = await trace('reg\rs_t\t8\r\nalloc  a1\r\rs_t 1 \t\r\n');
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, 'ok\n', '']);
  });

  it('a malformed trace prints its error alone: not the diagnostics of the lines before it', async () => {
    assert.match(doc, /and no other line on standard error \(not the double frees before it\)/);
    const result = await trace('reg s_t 8\nalloc a1 s_t 1\nfree a1\nfree a1\nalloc a2 nope 1\ndump\nfree zz\n');
    assert.deepEqual(
      [result.status, result.stdout, result.stderr],
      [2, '', "FILE:7: free of 'zz', which no earlier alloc line named\n"],
    );
  });

  it('a line longer than 1 MiB, at the first line and at a last line cut short', async () => {
    const long = `alloc ${'i'.repeat(MAX_LINE_BYTES)} s_t 1`;
    const first = await trace(`${long}\n`);
    assert.equal(first.status, 2);
    assert.equal(first.stdout, '');
    assert.match(first.stderr, /^FILE:1: a line longer than 1048576 bytes /);
    const last = await trace(`reg s_t 8\nalloc a1 s_t 1\ndump\n${long}`);
    assert.equal(last.stdout, '');
    assert.match(last.stderr, /^FILE:4: a line longer than 1048576 bytes /);
  });

  it('takes the edges the document gives: page 128 and 262144, and numbers up to 4294967295', async () => {
    for (const size of [MIN_PAGE_SIZE, MIN_PAGE_SIZE + 8, MAX_PAGE_SIZE]) {
      const result = await trace(`page ${size}\nreg s_t 8\nalloc a1 s_t 1\n`);
      assert.deepEqual([result.status, result.stdout, result.stderr], [0, 'ok\n', ''], `page ${size}`);
    }
    // 4294967295 is a number: the heap, not the reader, refuses what is too large.
    const result = await trace('reg s_t 4294967295\nreg t_t 8\nalloc a1 t_t 4294967295\ndump\n');
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^null\n\{"mmap":1,/);
    assert.match(result.stderr, /^FILE:1: .*\nFILE:3: alloc a1 failed: /);
  });

  it("a control character's message gives its column as an editor counts it (UTF-16 units), after a BOM and on a CR LF line too", async () => {
    for (const [text, line, column] of [
      ['reg \u00e9\u00e9\u0001 8\n', 1, 7],
      ['\ufeffreg \u00e9\u00e9\u0001 8\n', 1, 7],
      ['# \u20ac\r\nreg \u00e9\u00e9\u0001 8\r\n', 2, 7],
      ['reg \u20ac\u{1f600}\u0001 8\n', 1, 8], // € is one unit, 😀 two
    ] as const) {
      const result = await trace(text);
      assert.deepEqual(
        [result.status, result.stderr],
        [2, `FILE:${line}: control byte 0x01 at column ${column} (a trace is text)\n`],
        text,
      );
      const shown = text.replace(/^\ufeff/, '').split(/\r?\n/)[line - 1]!;
      assert.equal(shown.indexOf('\u0001') + 1, column, 'the column is the UTF-16 one');
    }
    // Bytes that are not UTF-8 are one U+FFFD a sequence, as an editor shows them: a lone
    // continuation byte, a cut sequence, a lone lead byte.
    const bytes = Uint8Array.from([...Buffer.from('reg '), 0x80, 0xea, 0x84, 0xc4, 0x01, ...Buffer.from(' 8\n')]);
    const result = await trace(bytes);
    assert.equal(result.stderr, 'FILE:1: control byte 0x01 at column 8 (a trace is text)\n');
    assert.equal(Buffer.from(bytes).toString('utf8').indexOf('\u0001') + 1, 8);
  });

  it('DEL and the C1 controls are characters of their word, escaped where a message quotes them', async () => {
    const result = await trace(
      'reg s_t 8\nalloc a\u007f1 s_t 1\nalloc a\u00851 s_t 1\nfree a\u007f1\nfree a\u007f1\nd\u007fump\n',
    );
    assert.equal(result.status, 2);
    assert.equal(result.stderr, "FILE:6: unknown command 'd\\u{7f}ump' (expected page, reg, alloc, free, dump)\n");
    const replayed = await trace(
      'reg s_t 8\nalloc a\u007f1 s_t 1\nalloc a\u00851 s_t 1\nfree a\u007f1\nfree a\u007f1\nfree a\u00851\n',
    );
    assert.deepEqual([replayed.status, replayed.stdout], [0, 'ok\nok\n']);
    assert.equal(replayed.stderr, 'FILE:5: double free of "a\\u007f1" (heap unchanged)\n');
  });

  it('a name or an ID that is not printable ASCII is shown as a JSON string', async () => {
    const result = await trace('alloc a\u00a01 nope 1\n');
    assert.deepEqual([result.status, result.stdout], [0, 'null\n']);
    assert.equal(result.stderr, 'FILE:1: alloc "a\\u00a01" failed: struct nope is not registered\n');
  });

  it('an alloc that fails leaves the heap as it was, and a free of its ID does nothing', async () => {
    const result = await trace('reg s_t 8\nalloc a1 s_t 1\ndump\nalloc a2 s_t 9999\nalloc a3 nope 1\nfree a2\nfree a3\ndump\n');
    const [ok, before, null2, null3, after] = result.stdout.split('\n');
    assert.deepEqual([result.status, ok, null2, null3], [0, 'ok', 'null', 'null']);
    assert.equal(after, before);
    assert.equal(result.stderr.split('\n').length, 3, `two failed allocs, nothing for the frees: ${result.stderr}`);
  });

  it('an ID named again names the new block; the block it named stays allocated', async () => {
    const result = await trace(
      [
        'reg s_t 8',
        'alloc a1 s_t 1',
        'alloc a1 s_t 1', // a1 now names the block at 80; the one at 24 stays, named by no ID
        'free a1',
        'free a1', // a double free: a1's block was freed
        'dump',
        'alloc a1 s_t 1', // named again: no longer freed
        'alloc a1 nope 1', // named again, by a failed alloc: the block at 80 stays too
        'free a1', // frees nothing
        'dump',
      ].join('\n') + '\n',
    );
    assert.equal(result.status, 0);
    const lines = result.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 2), ['ok', 'ok']);
    assert.match(lines[2]!, /"pages":\[\[\[24,8,0\],\[80,3968,1\]\]\]/);
    assert.deepEqual(lines.slice(3, 5), ['ok', 'null']);
    assert.match(lines[5]!, /"pages":\[\[\[24,8,0\],\[80,8,0\],\[136,3912,1\]\]\]/);
    assert.equal(
      result.stderr,
      'FILE:5: double free of a1 (heap unchanged)\nFILE:8: alloc a1 failed: struct nope is not registered\n',
    );
  });

  it("a dump's fields: families in registration order, pages most recently mapped first, free lists largest first", async () => {
    // c_t: k1 (3,000 bytes) on a first page leaves 976 free; k2 (3,500) does not fit there and maps
    // a second page, which goes to the front and leaves 476 free.
    const result = await trace('reg z_t 8\nreg c_t 100\nalloc k1 c_t 30\nalloc k2 c_t 35\ndump\nfree k1\ndump\n');
    assert.equal(result.status, 0);
    const [, , first, second] = result.stdout.split('\n');
    assert.deepEqual(JSON.parse(first!), {
      mmap: 3, // the registry page and two data pages
      munmap: 0,
      families: [
        { name: 'z_t', size: 8, pages: [], free: [] },
        {
          name: 'c_t',
          size: 100,
          pages: [
            [
              [24, 3500, 0],
              [3572, 476, 1],
            ],
            [
              [24, 3000, 0],
              [3072, 976, 1],
            ],
          ],
          free: [
            [1, 3072, 976],
            [0, 3572, 476],
          ],
        },
      ],
    });
    // Freeing k1 empties its page: unmapped, it leaves the page list and the free list.
    assert.deepEqual(JSON.parse(second!).families[1], {
      name: 'c_t',
      size: 100,
      pages: [
        [
          [24, 3500, 0],
          [3572, 476, 1],
        ],
      ],
      free: [[0, 3572, 476]],
    });
    assert.equal(JSON.parse(second!).munmap, 1);
  });

  it('a device is refused, as a FIFO is (FILE: not a regular file)', async () => {
    if (process.platform === 'win32') return;
    const result = await lmm('trace', '/dev/null');
    assert.deepEqual([result.status, result.stdout], [2, '']);
    assert.equal(result.stderr, '/dev/null: not a regular file (a trace is text)\n');
  });
});
