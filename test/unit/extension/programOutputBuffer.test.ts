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
    assert.equal(
      writes[0],
      '0123456789\n[LMM: the output is cut here, after 10 characters; the end of the run says how much more there was]\n',
    );
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

  it('writes at most its rate per interval in a print flood, and says where and how many lines it dropped', async () => {
    const writes: string[] = [];
    const buffer = new ProgramOutputBuffer({
      write: (t) => writes.push(t),
      flushMs: 20,
      maxChars: 1_000_000,
      maxCharsPerFlush: 100,
    });
    // 30 lines of 10 characters at once: 10 fit the interval's 100, the other 20 are dropped.
    for (let i = 0; i < 30; i++) buffer.append(`line ${String(i).padStart(4, '0')}\n`);
    await sleep(60);
    assert.equal(writes.length, 1, 'one write for the interval');
    const kept = Array.from({ length: 10 }, (_, i) => `line ${String(i).padStart(4, '0')}\n`).join('');
    assert.equal(
      writes[0],
      `${kept}[LMM: 20 lines (200 characters) dropped here: the program printed faster than this channel shows; lmm run prints them]\n`,
    );
    // The next interval has its room again (filled exactly, by a piece ending mid-line); a
    // multi-line piece counts its lines; the note starts a line.
    buffer.append('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\ns\nt\nu\nv\nw\nx\ny\nz\n' + 'x'.repeat(48));
    buffer.append('one\ntwo\nthree\n');
    buffer.append('unfinished');
    buffer.end();
    assert.match(writes[1]!, /^a\nb\n/);
    assert.match(writes[1]!, /z\nx{48}\n\[LMM: 4 lines \(24 characters\) dropped here/, 'a note on a line of its own');
    assert.equal(writes.length, 2, 'nothing more to say at the end');
  });

  it('holds its rate when one print is larger than an interval’s room (a 1 MiB print each turn)', async () => {
    const writes: string[] = [];
    const buffer = new ProgramOutputBuffer({
      write: (t) => writes.push(t),
      flushMs: 20,
      maxChars: 10_000_000,
      maxCharsPerFlush: 100,
    });
    // A print of many lines, then a print of one long line, each far over the interval's 100.
    buffer.append(Array.from({ length: 50 }, (_, i) => `line ${String(i).padStart(4, '0')}\n`).join(''));
    await sleep(50);
    buffer.append('y'.repeat(1000));
    buffer.append('z\n');
    buffer.end();
    const program = (text: string) => text.replace(/\n?\[LMM: [^\]]*\]\n/g, '');
    assert.equal(writes.length, 2);
    for (const write of writes) assert.ok(program(write).length <= 100, `${program(write).length} characters in one interval`);
    // Whole lines while lines fit; a line longer than the room is cut at it; the note says what went.
    assert.equal(
      writes[0],
      `${Array.from({ length: 10 }, (_, i) => `line ${String(i).padStart(4, '0')}\n`).join('')}[LMM: 40 lines (400 characters) dropped here: the program printed faster than this channel shows; lmm run prints them]\n`,
    );
    assert.equal(
      writes[1],
      `${'y'.repeat(100)}\n[LMM: 2 lines (902 characters) dropped here: the program printed faster than this channel shows; lmm run prints them]\n`,
    );
  });

  it('drops nothing from a program that prints within the rate, however long it runs', async () => {
    const writes: string[] = [];
    const buffer = new ProgramOutputBuffer({
      write: (t) => writes.push(t),
      flushMs: 10,
      maxChars: 1_000_000,
      maxCharsPerFlush: 100,
    });
    const pieces: string[] = [];
    for (let i = 0; i < 20; i++) {
      const piece = `tick ${String(i).padStart(3, '0')}\n`; // 9 characters, one piece per interval
      pieces.push(piece);
      buffer.append(piece);
      await sleep(25);
    }
    buffer.end();
    assert.equal(writes.join(''), pieces.join(''));
  });
});
