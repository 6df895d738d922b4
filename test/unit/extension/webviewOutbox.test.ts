import { strict as assert } from 'node:assert';
import type { HeapOpBatch } from '../../../src/engine/heapOps';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { concatBatches, splitBatch } from '../../../src/extension/model/runPipeline';
import { batchWithWrites } from '../../support/batchWithWrites';
import { WebviewOutbox } from '../../../src/extension/model/webviewOutbox';
import type { HostToWebviewMessage } from '../../../src/protocol/webviewMessages';

/** What a replay of `batches` leaves: every family's counters and each page's bytes. */
function replayed(batches: HeapOpBatch[]) {
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: 10_000_000 });
  for (const batch of batches) replay.apply(batch);
  const kernel = replay.heap.kernel;
  const pages: number[][] = [];
  // Each live block's first 4 bytes: the value the run wrote there.
  for (const address of replay.blockSite.keys()) {
    const offset = address - kernel.pageOf(address);
    pages.push([address, ...kernel.pageBytes(address)!.subarray(offset, offset + 4)]);
  }
  return {
    steps: replay.steps,
    families: replay.heap.families.map((f) => [f.name, f.counters.totalBlocks, f.counters.freeBlocks, f.counters.appMemory]),
    pages,
  };
}

describe('concatBatches (consecutive batches joined for the webview)', () => {
  it('joins the pieces of a batch back into the same operations, writes, names and fields', () => {
    const batch = batchWithWrites(3000);
    assert.ok((batch.writes?.count ?? 0) > 1000 && batch.fields !== undefined, 'the batch has writes and fields');
    const joined = concatBatches(splitBatch(batch, 250));
    assert.equal(joined.firstStep, batch.firstStep);
    assert.equal(joined.count, batch.count);
    assert.deepEqual([...joined.kind], [...batch.kind.subarray(0, batch.count)]);
    assert.deepEqual([...joined.c], [...batch.c.subarray(0, batch.count)]);
    assert.deepEqual([...joined.site], [...batch.site.subarray(0, batch.count)]);
    assert.deepEqual(joined.names, batch.names);
    assert.deepEqual(joined.fields, batch.fields);
    assert.equal(joined.writes!.count, batch.writes!.count);
    assert.deepEqual([...joined.writes!.step], [...batch.writes!.step.subarray(0, batch.writes!.count)]);
    assert.deepEqual([...joined.writes!.bytes], [...batch.writes!.bytes.subarray(0, joined.writes!.bytes.length)]);
    assert.deepEqual(replayed([joined]), replayed([batch]));
  });

  it('gives a batch recorded without fields empty fields beside one with them, so names and fields stay parallel', () => {
    const batch = batchWithWrites(400);
    const [first, ...rest] = splitBatch(batch, 100);
    const withoutFields: HeapOpBatch = { ...first! };
    delete withoutFields.fields;
    const joined = concatBatches([withoutFields, ...rest]);
    assert.equal(joined.fields!.length, joined.names.length);
    assert.deepEqual(
      joined.fields!.slice(0, first!.names.length),
      first!.names.map(() => []),
    );
  });

  it('refuses batches with a gap or an overlap rather than join a wrong run', () => {
    const pieces = splitBatch(batchWithWrites(400), 100);
    assert.throws(() => concatBatches([pieces[0]!, pieces[2]!]), /not consecutive: expected step 100, got 200/);
    assert.throws(() => concatBatches([pieces[1]!, pieces[1]!]), /not consecutive/);
    assert.throws(() => concatBatches([]), /no batch/);
  });
});

/** An outbox whose posts settle when the test says so. */
function pacedOutbox(options: { visible?: () => boolean; maxOpsPerPost?: number; settleTimeoutMs?: number } = {}) {
  const sent: HostToWebviewMessage[] = [];
  const settle: (() => void)[] = [];
  const outbox = new WebviewOutbox({
    send: (message) => {
      sent.push(message);
      return new Promise<boolean>((resolve) => settle.push(() => resolve(true)));
    },
    visible: options.visible ?? (() => true),
    maxInFlight: 2,
    maxOpsPerPost: options.maxOpsPerPost ?? 1_000,
    settleTimeoutMs: options.settleTimeoutMs ?? 60_000,
  });
  const settleNext = async () => {
    settle.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { outbox, sent, settleNext, inFlight: () => settle.length };
}

const ops = (batch: HeapOpBatch, runId = 'run-1'): HostToWebviewMessage => ({ type: 'heapOps', runId, batch });

describe('WebviewOutbox (the Memory Map’s messages, paced)', () => {
  it('never has more than two posts on their way, however many messages are queued', async () => {
    const { outbox, sent, settleNext, inFlight } = pacedOutbox();
    for (const piece of splitBatch(batchWithWrites(20_000), 100)) outbox.post(ops(piece));
    assert.equal(sent.length, 2);
    assert.equal(inFlight(), 2);
    while (inFlight() > 0) {
      await settleNext();
      assert.ok(inFlight() <= 2);
    }
    assert.equal(outbox.waiting, 0);
    // 200 pieces of 100 operations: the first two leave at once, the other 198 joined by up to 1,000.
    assert.equal(sent.length, 22);
    const joined = sent.map((m) => (m.type === 'heapOps' ? m.batch : undefined)!);
    assert.ok(joined.every((b) => b.count <= 1000));
    assert.deepEqual(replayed(joined), replayed([batchWithWrites(20_000)]));
  });

  it('keeps every message in order: a leak check or the run’s end is never overtaken by operations', async () => {
    const { outbox, sent, settleNext, inFlight } = pacedOutbox();
    const pieces = splitBatch(batchWithWrites(1000), 100);
    outbox.post({ type: 'runStarted', runId: 'run-1', pageSize: 4096, title: 't', live: true });
    pieces.slice(0, 5).forEach((p) => outbox.post(ops(p)));
    outbox.post({ type: 'leakCheck', runId: 'run-1', step: 499, leaks: [] });
    pieces.slice(5).forEach((p) => outbox.post(ops(p)));
    outbox.post({ type: 'runEnded', runId: 'run-1', state: 'finished' });
    while (inFlight() > 0) await settleNext();
    assert.deepEqual(
      sent.map((m) => (m.type === 'heapOps' ? `ops ${m.batch.firstStep}+${m.batch.count}` : m.type)),
      // The first batch leaves at once (a post was free); the rest wait and leave joined.
      ['runStarted', 'ops 0+100', 'ops 100+400', 'leakCheck', 'ops 500+500', 'runEnded'],
    );
  });

  it('does not join batches of different runs, nor batches with a gap between them', async () => {
    const { outbox, sent, settleNext, inFlight } = pacedOutbox();
    const pieces = splitBatch(batchWithWrites(400), 100);
    outbox.post({ type: 'settings', structColors: {} });
    outbox.post({ type: 'settings', structColors: {} });
    outbox.post(ops(pieces[0]!));
    outbox.post(ops(pieces[2]!));
    outbox.post(ops(pieces[3]!, 'run-2'));
    while (inFlight() > 0) await settleNext();
    assert.deepEqual(
      sent.map((m) => (m.type === 'heapOps' ? `${m.runId} ${m.batch.firstStep}+${m.batch.count}` : m.type)),
      ['settings', 'settings', 'run-1 0+100', 'run-1 200+100', 'run-2 300+100'],
    );
  });

  it('ends a joined post where the host took a snapshot, and keeps the window start the batches said', async () => {
    const { outbox, sent, settleNext, inFlight } = pacedOutbox();
    const pieces = splitBatch(batchWithWrites(800), 100);
    outbox.post({ type: 'settings', structColors: {} });
    outbox.post({ type: 'settings', structColors: {} });
    // Snapshots after steps 199 and 499; the window moves to 200 with the batch from 300.
    pieces.forEach((piece, i) => {
      const message = ops(piece) as Extract<HostToWebviewMessage, { type: 'heapOps' }>;
      if (i === 1 || i === 4) message.snapshotAfter = true;
      if (i === 3) message.windowStart = 200;
      outbox.post(message);
    });
    while (inFlight() > 0) await settleNext();
    const heapOps = sent.filter((m) => m.type === 'heapOps');
    assert.deepEqual(
      heapOps.map(
        (m) =>
          `${m.batch.firstStep}+${m.batch.count}${m.snapshotAfter ? ' snapshot' : ''}${m.windowStart !== undefined ? ` window ${m.windowStart}` : ''}`,
      ),
      ['0+200 snapshot', '200+300 snapshot window 200', '500+300'],
    );
  });

  it('holds everything while the panel is hidden and sends it, in order, once it is shown', async () => {
    let shown = false;
    const { outbox, sent, settleNext, inFlight } = pacedOutbox({ visible: () => shown });
    for (const piece of splitBatch(batchWithWrites(3000), 100)) outbox.post(ops(piece));
    outbox.post({ type: 'runEnded', runId: 'run-1', state: 'stopped' });
    assert.equal(sent.length, 0);
    assert.equal(outbox.waiting, 31);
    shown = true;
    outbox.pump();
    while (inFlight() > 0) await settleNext();
    assert.deepEqual(
      sent.map((m) => (m.type === 'heapOps' ? m.batch.count : m.type)),
      [1000, 1000, 1000, 'runEnded'],
    );
  });

  it('drops what was still queued for an older run when a new run starts', async () => {
    const { outbox, sent, settleNext, inFlight } = pacedOutbox();
    const pieces = splitBatch(batchWithWrites(5000), 100);
    pieces.forEach((p) => outbox.post(ops(p, 'run-1')));
    outbox.post({ type: 'settings', structColors: {} });
    outbox.post({ type: 'runStarted', runId: 'run-2', pageSize: 4096, title: 't', live: true });
    outbox.post(ops(pieces[0]!, 'run-2'));
    while (inFlight() > 0) await settleNext();
    const after = sent.slice(2).map((m) => (m.type === 'heapOps' ? m.runId : m.type));
    assert.deepEqual(after, ['settings', 'runStarted', 'run-2'], 'only the two posts already on their way were run-1’s');
  });

  it('asks its caller for more once everything queued has left, not before', async () => {
    const sent: number[] = [];
    const settle: (() => void)[] = [];
    let asked = 0;
    const outbox = new WebviewOutbox({
      send: (message) => {
        if (message.type === 'heapOps') sent.push(message.batch.firstStep);
        return new Promise<boolean>((resolve) => settle.push(() => resolve(true)));
      },
      visible: () => true,
      maxInFlight: 2,
      maxOpsPerPost: 100,
      onEmpty: () => asked++,
    });
    for (const piece of splitBatch(batchWithWrites(500), 100)) outbox.post(ops(piece));
    settle.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(asked, 0, 'two batches still wait');
    while (settle.length > 0) {
      settle.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(sent, [0, 100, 200, 300, 400]);
    assert.ok(asked >= 1, 'asked once the queue was empty');
  });

  it('while a run goes on, posts operations no oftener than the interval, keeps their order, and goes at once after the run', async () => {
    let interval = 80;
    const sent: Array<{ at: number; message: HostToWebviewMessage }> = [];
    let emptied = 0;
    const outbox = new WebviewOutbox({
      send: (message) => {
        sent.push({ at: Date.now(), message });
        return Promise.resolve(true);
      },
      visible: () => true,
      onEmpty: () => emptied++,
      maxOpsPerPost: 100,
      opsIntervalMs: () => interval,
    });
    const pieces = splitBatch(batchWithWrites(500), 100);
    for (const piece of pieces.slice(0, 4)) outbox.post(ops(piece));
    outbox.post({ type: 'settings', structColors: {} });
    await new Promise((resolve) => setTimeout(resolve, 40));
    // The first batch left at once; the others wait for the interval, and so does what follows them.
    assert.equal(sent.length, 1);
    assert.equal(outbox.waiting, 4);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const heapOps = sent.filter((s) => s.message.type === 'heapOps');
    assert.equal(heapOps.length, 4);
    for (let i = 1; i < heapOps.length; i++) {
      assert.ok(
        heapOps[i]!.at - heapOps[i - 1]!.at >= 75,
        `post ${i} came ${heapOps[i]!.at - heapOps[i - 1]!.at} ms after the one before`,
      );
    }
    assert.deepEqual(
      sent.map((s) => (s.message.type === 'heapOps' ? s.message.batch.firstStep : s.message.type)),
      [0, 100, 200, 300, 'settings'],
    );
    assert.ok(emptied >= 1, 'the caller is asked for more once the queue has left');
    // The run has ended: no interval, the rest goes at once.
    interval = 0;
    outbox.post(ops(pieces[4]!));
    assert.equal(sent.length, 6);
  });

  it('goes on when a post is refused, throws, or never settles', async () => {
    let calls = 0;
    const sent: string[] = [];
    const outbox = new WebviewOutbox({
      send: (message) => {
        sent.push(message.type);
        calls++;
        if (calls === 1) return Promise.reject(new Error('the webview is gone'));
        if (calls === 2) throw new Error('no panel');
        if (calls === 3) return new Promise(() => undefined);
        return Promise.resolve(true);
      },
      visible: () => true,
      maxInFlight: 1,
      settleTimeoutMs: 30,
    });
    for (let i = 0; i < 5; i++) outbox.post({ type: 'settings', structColors: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(sent.length, 5);
    assert.equal(outbox.waiting, 0);
  });
});
