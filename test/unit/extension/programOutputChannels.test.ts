/**
 * README, "In VS Code": what the harness prints goes "to an output channel named after the harness
 * (LMM: list.lmm.ts), cleared at each run of it". Tried the way a person meets it: a harness run
 * twice, two harnesses one after the other, a print loop stopped and run again at once (its worker
 * still printing while it winds down), two harnesses of the same name in two folders.
 */
import { strict as assert } from 'node:assert';
import type { RunState } from '../../../src/extension/model/runState';
import {
  PROGRAM_OUTPUT_PACE,
  programOutputChannels,
  type ProgramChannel,
} from '../../../src/extension/model/programOutputChannels';

class FakeChannel implements ProgramChannel {
  text = '';
  clears = 0;
  shows: boolean[] = [];
  disposed = false;
  constructor(readonly name: string) {}
  append(text: string): void {
    this.text += text;
  }
  appendLine(text: string): void {
    this.text += `${text}\n`;
  }
  clear(): void {
    this.text = '';
    this.clears++;
  }
  show(preserveFocus: boolean): void {
    this.shows.push(preserveFocus);
  }
  dispose(): void {
    this.disposed = true;
  }
}

let nextId = 1;
function run(file: string): RunState {
  const label = file.slice(file.lastIndexOf('/') + 1);
  return { id: nextId++, file, label, startedAt: Date.now() } as RunState;
}

function setup() {
  const made: FakeChannel[] = [];
  const channels = programOutputChannels((name) => {
    const channel = new FakeChannel(name);
    made.push(channel);
    return channel;
  });
  return { channels, made };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('program output channels: one per harness, cleared at each run of it', () => {
  it('is named after the harness, made once, and cleared when that harness runs again', () => {
    const { channels, made } = setup();
    const first = run('/w/list.lmm.ts');
    const a = channels.open(first);
    a.write('first run\n');
    a.end('finished');
    assert.equal(made.length, 1);
    assert.equal(made[0]!.name, 'LMM: list.lmm.ts');
    assert.match(made[0]!.text, new RegExp(`── run ${first.id} of /w/list.lmm.ts, started .+ ──\nfirst run\n── finished ──\n$`));

    const second = run('/w/list.lmm.ts');
    const b = channels.open(second);
    b.write('second run\n');
    b.end('finished');
    assert.equal(made.length, 1, 'the same channel, not a second one');
    assert.equal(made[0]!.clears, 2);
    assert.doesNotMatch(made[0]!.text, /first run/);
    assert.match(
      made[0]!.text,
      new RegExp(`^── run ${second.id} of /w/list.lmm.ts, started .+ ──\nsecond run\n── finished ──\n$`),
    );
  });

  it('a run of another harness leaves the first one’s channel as it was', () => {
    const { channels, made } = setup();
    const a = channels.open(run('/w/a.lmm.ts'));
    a.write('from a\n');
    a.end('finished');
    const before = made[0]!.text;
    const b = channels.open(run('/w/b.lmm.ts'));
    b.write('from b\n');
    b.end('finished');
    assert.deepEqual(
      made.map((c) => c.name),
      ['LMM: a.lmm.ts', 'LMM: b.lmm.ts'],
    );
    assert.equal(made[0]!.text, before);
    assert.equal(made[0]!.clears, 1);
    assert.doesNotMatch(made[1]!.text, /from a/);
  });

  it('a stopped print loop run again at once: its last words never land in the new run’s text', async () => {
    const { channels, made } = setup();
    const stopped = channels.open(run('/w/loop.lmm.ts'));
    // Printed just before the stop: still in the buffer, waiting for its flush.
    stopped.write('old 1\n');
    const again = channels.open(run('/w/loop.lmm.ts'));
    // The old worker, winding down, prints again; then the old run ends.
    stopped.write('old 2\n');
    again.write('new 1\n');
    await wait(PROGRAM_OUTPUT_PACE.flushMs + 50);
    stopped.end('stopped: stopped by request');
    again.end('finished');
    assert.equal(made.length, 1);
    assert.doesNotMatch(made[0]!.text, /old|stopped/);
    assert.match(made[0]!.text, /^── run \d+ of \/w\/loop\.lmm\.ts, started .+ ──\nnew 1\n── finished ──\n$/);
  });

  it('two harnesses of the same name in two folders each keep their own channel', () => {
    const { channels, made } = setup();
    const a = channels.open(run('/w/one/list.lmm.ts'));
    a.write('one\n');
    const b = channels.open(run('/w/two/list.lmm.ts'));
    b.write('two\n');
    a.end('finished');
    b.end('finished');
    assert.equal(made.length, 2);
    assert.match(made[0]!.text, /\none\n/);
    assert.doesNotMatch(made[0]!.text, /two/);
    assert.match(made[1]!.text, /\ntwo\n/);
  });

  it('comes up at the first print without taking the focus, once; a run that prints nothing does not raise it', () => {
    const { channels, made } = setup();
    const quiet = channels.open(run('/w/quiet.lmm.ts'));
    quiet.end('finished');
    assert.deepEqual(made[0]!.shows, []);
    const loud = channels.open(run('/w/quiet.lmm.ts'));
    loud.write('a\n');
    loud.write('b\n');
    loud.end('finished');
    assert.deepEqual(made[0]!.shows, [true]);
  });

  it('takes at most 160,000 characters a second and 4,000,000 a run, even from one print of a MiB', async () => {
    assert.equal((PROGRAM_OUTPUT_PACE.maxCharsPerFlush * 1000) / PROGRAM_OUTPUT_PACE.flushMs, 160_000);
    assert.equal(PROGRAM_OUTPUT_PACE.maxChars, 4_000_000);
    const { channels, made } = setup();
    const out = channels.open(run('/w/flood.lmm.ts'));
    out.write('x'.repeat(1 << 20));
    await wait(PROGRAM_OUTPUT_PACE.flushMs + 50);
    const [header, program, note] = made[0]!.text.split('\n');
    assert.match(header!, /^── run \d+ of \/w\/flood\.lmm\.ts/);
    assert.equal(program, 'x'.repeat(PROGRAM_OUTPUT_PACE.maxCharsPerFlush));
    assert.match(note!, /^\[LMM: 1 line \(1,032,576 characters\) dropped here/);
    out.end('finished');
  });

  it('disposes every channel it made', () => {
    const { channels, made } = setup();
    channels.open(run('/w/a.lmm.ts')).end('finished');
    channels.open(run('/w/b.lmm.ts')).end('finished');
    channels.dispose();
    assert.deepEqual(
      made.map((c) => c.disposed),
      [true, true],
    );
  });
});
