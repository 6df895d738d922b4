import { strict as assert } from 'node:assert';
import { ProgramOutputBuffer } from '../../../src/extension/model/programOutputBuffer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('program output on its way to the run’s channel', () => {
  it('keeps every piece, in order, and writes while the run goes on (not only at its end)', async () => {
    const writes: string[] = [];
    const buffer = new ProgramOutputBuffer({ write: (t) => writes.push(t), flushMs: 20, maxChars: 1_000_000 });
    const pieces = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`);
    for (const piece of pieces.slice(0, 2500)) buffer.append(piece);
    await sleep(60);
    assert.ok(writes.length >= 1, 'the first half is out before the run ends');
    for (const piece of pieces.slice(2500)) buffer.append(piece);
    buffer.end();
    assert.equal(writes.join(''), pieces.join(''));
  });

  it('a print loop costs one write per interval, not one per print', async () => {
    const writes: string[] = [];
    const buffer = new ProgramOutputBuffer({ write: (t) => writes.push(t), flushMs: 30, maxChars: 10_000_000 });
    const started = Date.now();
    let prints = 0;
    while (Date.now() - started < 200) {
      buffer.append('x\n');
      prints++;
      if (prints % 1000 === 0) await sleep(1);
    }
    buffer.end();
    assert.ok(prints > 1000);
    assert.ok(writes.length <= 12, `${writes.length} writes for ${prints} prints`);
    assert.equal(writes.join('').length, prints * 2);
  });

  it('cuts a run’s text at its cap and says how much was left out; nothing after the end', () => {
    const writes: string[] = [];
    const buffer = new ProgramOutputBuffer({ write: (t) => writes.push(t), flushMs: 1000, maxChars: 10 });
    buffer.append('0123456');
    buffer.append('789abc');
    buffer.append('def');
    buffer.end();
    buffer.append('after the end');
    buffer.end();
    assert.equal(writes[0], '0123456789');
    assert.match(writes[1]!, /cut after 10 characters; 6 more were not shown/);
    assert.equal(writes.length, 2);
  });

  it('writes a text with unusual characters as it is', () => {
    const writes: string[] = [];
    const buffer = new ProgramOutputBuffer({ write: (t) => writes.push(t), flushMs: 1000, maxChars: 100 });
    const text = '\u0000\u001b[31mred\u001b[0m 😀 \r\n\u2028';
    buffer.append(text);
    buffer.end();
    assert.deepEqual(writes, [text]);
  });
});
