/**
 * docs/trace-format.md's malloc-lab (`.rep`) rules through `lmm replay` and `lmm compare`: each
 * way a `.rep` file is malformed, at the first request, at a last line without its line end, on
 * a CR LF line and after a BOM, exits 2 with `FILE:LINE: what is wrong` and prints nothing else.
 */
import { strict as assert } from 'node:assert';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lmm } from '../../support/lmmCli';

const doc = readFileSync(resolve(__dirname, '../../../docs/trace-format.md'), 'utf8').replace(/\s+/g, ' ');

describe('docs/trace-format.md: malloc-lab traces, rule by rule', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-rep-rules-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let count = 0;
  const replay = async (text: string, verb: 'replay' | 'compare' = 'replay') => {
    const file = join(dir, `t${count++}.rep`);
    writeFileSync(file, text);
    const result = verb === 'replay' ? await lmm('replay', file) : await lmm('compare', file, '--policies', 'hybrid,buddy');
    return { ...result, stderr: result.stderr.replaceAll(`${file}:`, 'FILE:') };
  };

  /** [what is wrong, the header (2 IDs, 3 requests), requests before the bad line, the bad line, its message]. */
  const rules: [string, string[], string, string][] = [
    ['an unknown request', ['a 0 8'], 'm 1 8', "unknown request 'm' (expected a ID BYTES, r ID BYTES or f ID)"],
    ['a request with too few words', ['a 0 8'], 'a 1', `'a' takes an ID and a byte count: "a 1"`],
    ['a request with too many words', ['a 0 8'], 'f 0 8', `'f' takes an ID: "f 0 8"`],
    ['an ID at the declared count', ['a 0 8'], 'a 2 8', "id 2 is not below the header's 2 ids"],
    ['an alloc of a live ID (an ID reused)', ['a 0 8'], 'a 0 8', 'alloc of id 0, which is still allocated'],
    ['a free of an ID that is not live', ['a 0 8'], 'f 1', 'free of id 1, which is not allocated'],
    ['a realloc of an ID that is not live', ['a 0 8'], 'r 1 8', 'realloc of id 1, which is not allocated'],
    ['more requests than declared', ['a 0 8', 'f 0', 'a 1 8'], 'f 1', "more requests than the header's 3"],
    ['a byte count that is not a whole number', ['a 0 8'], 'a 1 -8', "byte count must be a whole number, not '-8'"],
    ['a byte count out of range', ['a 0 8'], 'a 1 2147483648', '2147483648 bytes is more than this replayer takes'],
    ['a NUL byte', ['a 0 8'], 'f\u0000 0', 'a NUL byte at column 2 (a trace is text)'],
    [
      'a no-break space between words',
      ['a 0 8'],
      'f\u00a00',
      "unknown request 'f\\u{a0}0' (expected a ID BYTES, r ID BYTES or f ID)",
    ],
  ];

  for (const [what, before, line, message] of rules) {
    it(`${what}: at the first request, at a last line cut short, on a CR LF line, after a BOM`, async () => {
      // Most rules hold at the first request; an ID reused or one request too many need the requests before.
      const needsBefore = what.includes('reused') || what.startsWith('more requests');
      const first = needsBefore ? before : [];
      const cases: [string, number][] = [
        [['2 2 3 1', ...first, line].join('\n') + '\n', first.length + 2],
        [['2 2 3 1', ...before, line].join('\n'), before.length + 2],
        [['2', '2', '3', '1', ...before, line, 'f 0'].join('\r\n') + '\r\n', before.length + 5],
        ['\ufeff' + ['2 2 3 1', ...before, line].join('\n') + '\n', before.length + 2],
      ];
      for (const [text, at] of cases) {
        const result = await replay(text);
        assert.deepEqual(
          [result.status, result.stdout, result.stderr],
          [2, '', `FILE:${at}: ${message}\n`],
          JSON.stringify(text),
        );
      }
    });
  }

  it('fewer requests than declared: the error names the last line', async () => {
    for (const verb of ['replay', 'compare'] as const) {
      const result = await replay('2 2 3 1\na 0 8\r\nf 0', verb);
      assert.deepEqual(
        [result.status, result.stdout, result.stderr],
        [2, '', 'FILE:3: the header declares 3 requests, the trace has 2\n'],
      );
    }
  });

  it('the header: four whole numbers, one or more per line', async () => {
    for (const header of ['2 2 1 1', '2\n2\n1\n1', '2 2\n1 1', '2\t2 1\r\n1']) {
      const result = await replay(`${header}\na 0 8\n`);
      assert.equal(result.status, 0, `${JSON.stringify(header)}: ${result.stderr}`);
    }
    const short = await replay('2 2 1\n');
    assert.deepEqual(
      [short.status, short.stderr],
      [2, 'FILE:1: the header needs four numbers (suggested heap size, number of ids, number of operations, weight); found 3\n'],
    );
    const bad = await replay('2 x 1 1\na 0 8\n');
    assert.deepEqual([bad.status, bad.stderr], [2, "FILE:1: number of ids must be a whole number, not 'x'\n"]);
  });

  it('takes at most 16,777,216 IDs, 2,147,483,647 bytes a request, and a file of 512 MiB', async () => {
    assert.match(doc, /at most 16,777,216 IDs and 2,147,483,647 bytes a request/);
    assert.match(doc, /read a trace of either kind whole, up to 512 MiB/);
    const ids = await replay('1 16777217 1 1\na 0 8\n');
    assert.deepEqual([ids.status, ids.stderr], [2, 'FILE:1: 16777217 ids is more than this replayer takes\n']);
    const most = await replay('1 16777216 2 1\na 16777215 2147483647\nf 16777215\n');
    assert.equal(most.stderr, '');
    assert.equal(most.status, 0);
    // A file one byte over the bound is refused before it is read (a sparse file: no disk used).
    const big = join(dir, 'big.rep');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 512 * 2 ** 20 + 1);
    closeSync(fd);
    const result = await lmm('replay', big);
    assert.deepEqual([result.status, result.stdout], [2, '']);
    assert.equal(result.stderr, `${big}: ${512 * 2 ** 20 + 1} bytes, more than a trace may have (512 MiB)\n`);
  });
});
