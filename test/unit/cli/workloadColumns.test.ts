/**
 * `lmm replay` and `lmm compare` read an LMM trace as `lmm trace` does, byte for byte: a column in
 * a message is the same whichever verb reads the file. Before, they decoded the file as text first
 * (bad UTF-8 bytes as U+FFFD, three bytes each when encoded again): a control byte at byte 8 was
 * "at column 11". The column is the one an editor shows (UTF-16 units of the decoded line, each
 * sequence that is not UTF-8 one U+FFFD), as docs/trace-format.md says.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';

describe('lmm replay / compare: a trace read as bytes', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-columns-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a control byte after bytes that are not UTF-8 is at the same column for trace, replay and compare', async () => {
    const file = join(dir, 'bad-bytes.trace');
    // "reg " then 0xEA 0x84 (a cut 3-byte sequence) and 0xC4 (a lone lead byte), then 0x14.
    writeFileSync(file, Buffer.from([...Buffer.from('reg '), 0xea, 0x84, 0xc4, 0x14, ...Buffer.from(' 8\n')]));
    // Decoded: "reg \u{fffd}\u{fffd}\u{14}", the control character the 7th unit.
    const expected = `${file}:1: control byte 0x14 at column 7 (a trace is text)\n`;
    for (const argv of [
      ['trace', file],
      ['replay', file],
      ['compare', file, '--policies', 'lmm-classic'],
    ]) {
      const result = await lmm(...argv);
      assert.equal(result.status, 2, argv.join(' '));
      assert.equal(result.stderr, expected, argv.join(' '));
    }
  });

  it('a .rep and a .trace that start with a byte order mark still replay', async () => {
    const rep = join(dir, 'bom.rep');
    writeFileSync(rep, '\uFEFF100\n2\n3\n1\na 0 8\nf 0\na 1 16\n');
    const trace = join(dir, 'bom.trace');
    writeFileSync(trace, '\uFEFFreg s_t 8\nalloc a s_t 1\nfree a\n');
    for (const file of [rep, trace]) {
      const result = await lmm('replay', file);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /policy\s+lmm-classic/);
    }
  });
});
