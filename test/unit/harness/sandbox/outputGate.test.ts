/** The worker's output gate: back-pressure by prints in flight, bounded prints, dropped lines counted. */
import { strict as assert } from 'node:assert';
import {
  MAX_IN_FLIGHT,
  MAX_IN_FLIGHT_CHARS,
  MAX_OUTPUT_CHARS,
  MAX_PRINT_CHARS,
  OutputGate,
} from '../../../../src/harness/worker/outputGate';
import { CONTROL } from '../../../../src/harness/worker/workerProtocol';

function gate(deadline: number): { gate: OutputGate; posted: string[]; control: Int32Array } {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL.length * 4));
  const posted: string[] = [];
  return { gate: new OutputGate(control, deadline, (text) => posted.push(text)), posted, control };
}

describe('OutputGate (output of a run on its way to the parent)', () => {
  it('never has more than MAX_IN_FLIGHT prints the parent has not taken in; past the deadline it drops and counts', () => {
    const { gate: g, posted } = gate(Date.now() + 100);
    const started = Date.now();
    for (let i = 0; i < MAX_IN_FLIGHT + 10; i++) g.write(`line ${i}\n`);
    assert.equal(posted.length, MAX_IN_FLIGHT);
    assert.equal(g.dropped, 10);
    assert.match(g.dropReason, /time limit/);
    assert.ok(Date.now() - started < 2000, 'it waited for the reader only until the deadline');
  });

  it('goes on as the parent takes prints in', () => {
    const { gate: g, posted, control } = gate(Date.now() + 10_000);
    for (let i = 0; i < MAX_IN_FLIGHT * 3; i++) {
      g.write('x\n');
      // The parent takes each one in at once.
      Atomics.add(control, CONTROL.outputTaken, 1);
    }
    assert.equal(posted.length, MAX_IN_FLIGHT * 3);
    assert.equal(g.dropped, 0);
  });

  it('a stop request ends the wait at once', () => {
    const { gate: g, posted, control } = gate(Date.now() + 60_000);
    for (let i = 0; i < MAX_IN_FLIGHT; i++) g.write('x\n');
    Atomics.store(control, CONTROL.stop, 1);
    const started = Date.now();
    g.write('one more\n');
    assert.ok(Date.now() - started < 200);
    assert.equal(posted.length, MAX_IN_FLIGHT);
    assert.equal(g.dropped, 1);
  });

  it('never has more than MAX_IN_FLIGHT_CHARS characters in flight, however few the prints', () => {
    const { gate: g, posted } = gate(Date.now() + 300);
    const line = 'w'.repeat(MAX_PRINT_CHARS);
    for (let i = 0; i < 10; i++) g.write(line);
    const fit = Math.floor(MAX_IN_FLIGHT_CHARS / MAX_PRINT_CHARS);
    assert.equal(posted.length, fit, 'the rest waited for the reader, then the deadline dropped them');
    assert.equal(g.dropped, 10 - fit);
    // Once the reader takes two in, two more fit (and no more).
    const { gate: h, posted: posted2, control: control2 } = gate(Date.now() + 300);
    for (let i = 0; i < fit; i++) h.write(line);
    Atomics.add(control2, CONTROL.outputTaken, 2);
    for (let i = 0; i < 3; i++) h.write(line);
    assert.equal(posted2.length, fit + 2);
  });

  it('a print longer than the in-flight bound still goes out when nothing else waits', () => {
    const { gate: g, posted } = gate(Date.now() + 10_000);
    g.write('v'.repeat(MAX_PRINT_CHARS));
    assert.equal(posted.length, 1);
  });

  it('one print keeps at most MAX_PRINT_CHARS and says how much it cut', () => {
    const { gate: g, posted } = gate(Date.now() + 10_000);
    g.write('z'.repeat(MAX_PRINT_CHARS + 5000));
    assert.equal(posted.length, 1);
    assert.ok(posted[0]!.length < MAX_PRINT_CHARS + 200);
    assert.match(posted[0]!, /\[… 5000 more characters of this print dropped\]\n$/);
  });

  // A print's text reaches the gate with its line end: a print of exactly 1 MiB was cut by that
  // "\n", shown whole and then "[… 1 more characters of this print dropped]".
  it('a print of exactly MAX_PRINT_CHARS characters and its line end is kept whole', () => {
    const { gate: g, posted } = gate(Date.now() + 10_000);
    const text = `${'w'.repeat(MAX_PRINT_CHARS)}\n`;
    g.write(text);
    assert.equal(posted[0], text);
  });

  it('one character past it: that one is dropped and said so, in the singular; far past it, the count', () => {
    const { gate: g, posted } = gate(Date.now() + 10_000);
    g.write(`${'w'.repeat(MAX_PRINT_CHARS)}x\n`);
    assert.equal(posted[0], `${'w'.repeat(MAX_PRINT_CHARS)}\n[… 1 more character of this print dropped]\n`);
    g.write(`${'y'.repeat(MAX_PRINT_CHARS * 16)}\n`);
    assert.equal(posted[1], `${'y'.repeat(MAX_PRINT_CHARS)}\n[… 15728640 more characters of this print dropped]\n`);
  });

  it('a run keeps at most MAX_OUTPUT_CHARS (64 MiB) in all: the print that would pass it is dropped, and every one after', () => {
    const { gate: g, posted, control } = gate(Date.now() + 10_000);
    const postedChars = () => posted.reduce((sum, text) => sum + text.length, 0);
    const write = (text: string) => {
      g.write(text);
      Atomics.store(control, CONTROL.outputTaken, posted.length);
    };
    // Up to one character short of the bound, in whole prints.
    const print = 'p'.repeat(MAX_PRINT_CHARS / 4);
    while (postedChars() + print.length < MAX_OUTPUT_CHARS) write(print);
    write('q'.repeat(MAX_OUTPUT_CHARS - postedChars() - 1));
    assert.equal(postedChars(), MAX_OUTPUT_CHARS - 1);
    assert.equal(g.dropped, 0);
    write('rr');
    assert.equal(postedChars(), MAX_OUTPUT_CHARS - 1, 'a print that would pass the bound is not posted');
    assert.equal(g.dropped, 1);
    assert.match(g.dropReason, /^the run printed more than 64 MiB$/);
    write('s');
    assert.equal(postedChars(), MAX_OUTPUT_CHARS - 1, 'nor one after it, that would fit: the output stays a prefix');
    assert.equal(g.dropped, 2);
  });

  it('a print that fills the run to exactly MAX_OUTPUT_CHARS is kept whole', () => {
    const { gate: g, posted, control } = gate(Date.now() + 10_000);
    for (let i = 0; i < MAX_OUTPUT_CHARS / MAX_PRINT_CHARS; i++) {
      g.write('m'.repeat(MAX_PRINT_CHARS));
      Atomics.store(control, CONTROL.outputTaken, posted.length);
    }
    assert.equal(posted.length, MAX_OUTPUT_CHARS / MAX_PRINT_CHARS);
    assert.equal(g.dropped, 0);
    g.write('n');
    assert.equal(g.dropped, 1);
  });
});
