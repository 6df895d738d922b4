/**
 * What a trace's messages quote is shown so it can be read: characters that look like a space or
 * like nothing are escaped (a second BOM before `reg` made the message `unknown command 'reg'`),
 * a CR inside a line is escaped and explained (it sent the terminal back over the message), and a
 * name or an ID of megabytes is cut (the whole name was printed, twice).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';

describe('lmm trace: what its messages quote is readable', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-trace-messages-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const trace = async (text: string | Buffer) => {
    const file = join(dir, 't.trace');
    writeFileSync(file, text);
    const result = await lmm('trace', file);
    return { ...result, stderr: result.stderr.replaceAll(`${file}:`, '') };
  };

  it('a BOM inside the text (not the one a file may start with) is shown, not dropped', async () => {
    const second = await trace('\uFEFF\uFEFFreg a 8\n');
    assert.equal(second.status, 2);
    assert.equal(second.stderr, "1: unknown command '\\u{feff}reg' (expected page, reg, alloc, free, dump)\n");
    // Nor dropped from a name: `reg <BOM>a` registers no struct `a`.
    const named = await trace('reg \uFEFFa 8\nalloc x a 1\n');
    assert.equal(named.stdout, 'null\n');
    assert.match(named.stderr, /^1: struct name must be 1 to 32 printable ASCII characters: "\\ufeffa"\n/);
  });

  it('a no-break space between two words is shown as one', async () => {
    const result = await trace('reg\u00a0a 8\n');
    assert.equal(result.status, 2);
    assert.equal(result.stderr, "1: unknown command 'reg\\u{a0}a' (expected page, reg, alloc, free, dump)\n");
  });

  it('lines ending with CR alone: escaped CRs and what is wrong, one line of output', async () => {
    const result = await trace('reg a 8\ralloc x a 1\rdump\r');
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      `1: 'reg' takes a name and a size: reg NAME SIZE: "reg a 8\\u{d}alloc x a 1\\u{d}dump\\u{d}" (a CR inside the line: lines end with LF or CR LF, not CR alone)\n`,
    );
    assert.doesNotMatch(result.stderr, /\r/);
  });

  it('CR LF line ends, and a CR before them, stay fine', async () => {
    const result = await trace('reg a 8\r\r\nalloc x a 1 \r\n');
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, 'ok\n', '']);
  });

  it('a name and an ID of 100,000 characters are cut, with their length', async () => {
    const name = 'n'.repeat(100_000);
    const id = 'i'.repeat(100_000);
    const result = await trace(`reg ${name} 8\nalloc ${id} ${name} 1\nalloc x a 1\n`);
    assert.equal(result.status, 0);
    assert.ok(result.stderr.length < 1000, `${result.stderr.length} characters on stderr`);
    const shown = `"${'n'.repeat(64)}..." (100000 characters)`;
    assert.equal(
      result.stderr,
      `1: struct name must be 1 to 32 printable ASCII characters: ${shown}\n` +
        `2: alloc "${'i'.repeat(64)}..." (100000 characters) failed: struct ${shown} is not registered\n` +
        '3: alloc x failed: struct a is not registered\n',
    );
  });

  it('a malformed word is cut after 60 bytes', async () => {
    const result = await trace(`${'w'.repeat(5000)} 1\n`);
    assert.equal(result.stderr, `1: unknown command '${'w'.repeat(60)}…' (expected page, reg, alloc, free, dump)\n`);
  });

  it('a name that is not ASCII is quoted and escaped where an alloc names it', async () => {
    const result = await trace('alloc x \u00e9 1\n');
    assert.equal(result.stderr, '1: alloc x failed: struct "\\u00e9" is not registered\n');
  });
});
