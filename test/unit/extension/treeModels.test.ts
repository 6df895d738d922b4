import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeapOpKind, HeapOpRecorder } from '../../../src/engine/heapOps';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { traceRun } from '../../../src/extension/model/traceRun';
import { pageFamilyNodes } from '../../../src/extension/model/pageFamiliesTree';
import { structUsageNodes } from '../../../src/extension/model/structUsageTree';
import { freeListNodes } from '../../../src/extension/model/freeListsTree';
import { leakNodes } from '../../../src/extension/model/leaksTree';
import { freeSiteFigures, siteFigures } from '../../../src/extension/model/siteFigures';
import { MAX_CHILDREN, type TreeNode } from '../../../src/extension/model/treeNode';
import type { LmmReport, ReportLeak } from '../../../src/protocol/runReportSchema';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'conformance');

/** A run made from a trace's text, replayed the way the extension does it (batches into a HeapReplay). */
function runOfTrace(text: string, upTo = Infinity): RunState {
  const result = traceRun('/w/t.trace', text, 16);
  const replay = new HeapReplay({ pageSize: result.pageSize, eventsKept: 1_000_000 });
  for (const batch of result.batches) if (batch.firstStep < upTo) replay.apply(batch);
  const store = new RunStore();
  const run = store.begin({ kind: 'trace', file: '/w/t.trace', label: 't.trace', replay, sites: result.sites });
  run.report = result.report;
  return run;
}

const kids = (node: TreeNode): TreeNode[] => node.children?.() ?? [];

describe('extension tree models', () => {
  const seed = readFileSync(join(fixtures, 'seed-testapp-120-students.trace'), 'utf8');
  const seedLines = seed.split('\n');
  // The seed program after its 120 allocations, before any free.
  const firstFree = seedLines.findIndex((l) => l.startsWith('free'));
  const allocatedOnly = seedLines.slice(0, firstFree).join('\n');

  it('Page Families: family → pages → blocks, with counters and allocating lines', () => {
    const run = runOfTrace(allocatedOnly);
    const families = pageFamilyNodes(run);
    assert.deepEqual(
      families.map((f) => f.label),
      ['emp_t', 'student_t'],
    );
    const student = families[1]!;
    assert.equal(student.description, '4 pages · TBC 121 FBC 1 OBC 120 · 12,480 B');
    assert.equal(families[0]!.children, undefined, 'emp_t has no pages: a leaf');
    const pages = kids(student);
    assert.equal(pages.length, 4);
    assert.equal(pages[0]!.parent, student);
    assert.equal(pages[0]!.description, '4 blocks, 1 free · 8% used', 'the head page is the newest, partly filled');
    assert.equal(pages[1]!.description, '39 blocks, 0 free · 99% used', '39 student_t per page');
    const blocks = kids(pages[pages.length - 1]!);
    const allocated = blocks.filter((b) => b.contextValue === 'lmmBlock');
    assert.ok(allocated.length > 0);
    assert.match(allocated[0]!.label, /^\+24 student_t$/);
    assert.equal(allocated[0]!.description, '56 B · t.trace:5', 'the first student_t came from trace line 5');
    assert.equal(allocated[0]!.address! - 48, blocks[0]!.address! - 48);
  });

  it('Page Families: a buffer of family buf reads "+offset buf" with its bytes, arrays of structs "× units"', () => {
    const run = runOfTrace('reg buf 1\nreg pair_t 16\nalloc a buf 13\nalloc b pair_t 3\n');
    const [buffers, pairs] = pageFamilyNodes(run);
    const [buffer] = kids(kids(buffers!)[0]!);
    assert.equal(buffer!.label, '+24 buf');
    assert.match(buffer!.description as string, /^13 B/);
    assert.equal(kids(kids(pairs!)[0]!)[0]!.label, '+24 pair_t ×3');
  });

  it('Struct Usage: live blocks, application memory and counters per struct', () => {
    const run = runOfTrace(allocatedOnly);
    const student = structUsageNodes(run).find((n) => n.label === 'student_t')!;
    assert.equal(student.description, '120 live · 12,480 B');
    const rows = Object.fromEntries(kids(student).map((r) => [r.label, r.description]));
    assert.equal(rows['pages'], '4 (peak 4)');
    assert.equal(rows['mmap / munmap'], '4 / 0');
    assert.match(rows['TBC / FBC / OBC']!, /^\d+ \/ \d+ \/ 120$/);
    assert.match(rows['internal fragmentation']!, /^5,\d{3} B$/, '120 × 48 bytes of meta data plus hard fragments');
  });

  it('Struct Usage after the whole seed program: every page returned', () => {
    const run = runOfTrace(seed);
    const student = structUsageNodes(run).find((n) => n.label === 'student_t')!;
    assert.equal(student.description, '0 live · 0 B');
    const rows = Object.fromEntries(kids(student).map((r) => [r.label, r.description]));
    assert.equal(rows['mmap / munmap'], '4 / 4');
    assert.equal(rows['application memory'], '0 B (peak 12,480 B)');
  });

  it('Free Lists: queue order, largest first', () => {
    const lines = ['page 4096', 'reg s 100', 'alloc a s 1', 'alloc b s 1', 'alloc c s 1', 'alloc d s 1', 'free a', 'free c'];
    const run = runOfTrace(lines.join('\n'));
    const list = freeListNodes(run)[0]!;
    const rows = kids(list);
    assert.equal(rows.length, 3);
    const sizes = rows.map((r) => Number(r.label.replace(/^#\d+ /, '').replace(/[, B]/g, '')));
    assert.deepEqual(
      [...sizes].sort((x, y) => y - x),
      sizes,
      'largest first',
    );
    assert.equal(rows[0]!.label.startsWith('#1 '), true);
    assert.equal(sizes[1], 100);
    assert.equal(sizes[2], 100);
    assert.match(list.description!, /^3 free · largest /);
  });

  it('caps long child lists with a summary row', () => {
    const lines = ['page 4096', 'reg big 4000'];
    for (let i = 0; i < MAX_CHILDREN + 20; i++) lines.push(`alloc a${i} big 1`);
    const run = runOfTrace(lines.join('\n'));
    const pages = kids(pageFamilyNodes(run)[0]!);
    assert.equal(pages.length, MAX_CHILDREN + 1);
    assert.equal(pages[MAX_CHILDREN]!.label, `${MAX_CHILDREN} of ${MAX_CHILDREN + 20} shown`);
    assert.equal(pages[MAX_CHILDREN]!.description, '20 more');
  });

  it('Leaks: kind → site → blocks, suppressed records shown apart', () => {
    const run = runOfTrace('reg s 16\nalloc a s 1');
    const site = { file: '/w/h.lmm.ts', line: 12, column: 13 };
    const leak = (over: Partial<ReportLeak>): ReportLeak => ({
      kind: 'definitely-lost',
      struct: 'node_t',
      blocks: 1,
      bytes: 24,
      site,
      stack: [site, { file: '/w/h.lmm.ts', line: 30, column: 3 }],
      suppressed: false,
      ...over,
    });
    run.report = {
      ...(run.report as LmmReport),
      leaks: [
        leak({ drags: { blocks: 9, bytes: 216 }, addresses: [4168] }),
        leak({ kind: 'indirectly-lost', blocks: 9, bytes: 216 }),
        leak({ kind: 'still-reachable', suppressed: true }),
        leak({
          kind: 'still-reachable',
          rootPath: [
            { struct: 'list_t', field: '', site },
            { struct: 'node_t', field: 'head', site },
          ],
        }),
      ],
    };
    const kinds = leakNodes(run);
    assert.deepEqual(
      kinds.map((k) => k.label),
      ['definitely-lost', 'indirectly-lost', 'still-reachable'],
    );
    assert.equal(kinds[0]!.description, '1 block, 24 B');
    assert.equal(kinds[2]!.description, '1 block, 24 B · 1 suppressed');
    const record = kids(kinds[0]!)[0]!;
    assert.equal(record.label, 'node_t at h.lmm.ts:12');
    assert.deepEqual(record.site, site);
    assert.equal(record.address, 4168);
    const details = kids(record).map((r) => r.label);
    assert.deepEqual(details, ['node_t block @ 0x1048', 'drags along', 'called from h.lmm.ts:30']);
    const reachable = kids(kids(kinds[2]!)[1]!).map((r) => r.label);
    assert.deepEqual(reachable, ['called from h.lmm.ts:30', 'root: list_t', '→ node_t.head']);
    assert.deepEqual(leakNodes(undefined), []);

    // A record that lists fewer blocks than it counts says how many of how many.
    run.report = { ...(run.report as LmmReport), leaks: [leak({ blocks: 250, bytes: 6000, addresses: [4168, 4240] })] };
    const partial = kids(kids(leakNodes(run)[0]!)[0]!).map((r) => r.label);
    assert.deepEqual(partial, [
      'node_t block @ 0x1048',
      'node_t block @ 0x1090',
      '2 of 250 blocks listed',
      'called from h.lmm.ts:30',
    ]);
    // All listed: no such row.
    run.report = { ...(run.report as LmmReport), leaks: [leak({ blocks: 1, addresses: [4168] })] };
    assert.ok(!kids(kids(leakNodes(run)[0]!)[0]!).some((r) => / of .* listed$/.test(r.label)));
  });

  it('Leaks: a harness run’s unsuppressed leak rows carry their Suppress (the menu’s viewItem), a trace’s do not', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: { menus: Record<string, { command: string; when: string }[]> };
    };
    const menu = manifest.contributes.menus['view/item/context']!.filter((m) => m.command === 'lmm.suppressFinding');
    assert.ok(menu.length > 0);
    const suppressible = (node: TreeNode) => menu.every((m) => m.when.includes(`viewItem == ${node.contextValue}`));
    const site = { file: '/w/h.lmm.ts', line: 12, column: 13 };
    const stack = [site, { file: '/w/h.lmm.ts', line: 30, column: 3 }];
    const leaks: ReportLeak[] = [
      { kind: 'definitely-lost', struct: 'node_t', blocks: 1, bytes: 24, site, stack, suppressed: false },
      { kind: 'definitely-lost', struct: 'list_t', blocks: 1, bytes: 24, site, stack, suppressed: true },
    ];
    const trace = runOfTrace('reg s 16\nalloc a s 1');
    trace.report = { ...(trace.report as LmmReport), leaks };
    const harness = new RunStore().begin({ kind: 'harness', file: '/w/h.lmm.ts', label: 'h', replay: trace.replay, sites: [] });
    harness.report = trace.report;
    const [open, suppressed] = kids(leakNodes(harness)[0]!);
    assert.deepEqual(open!.suppress, { harnessFile: '/w/h.lmm.ts', kind: 'definitely-lost', struct: 'node_t', stack });
    assert.equal(suppressible(open!), true);
    assert.equal(suppressed!.suppress, undefined, 'already suppressed');
    assert.equal(suppressible(suppressed!), false);
    for (const row of kids(leakNodes(trace)[0]!)) {
      assert.equal(row.suppress, undefined, 'a trace has no .lmmsupp');
      assert.equal(suppressible(row), false);
    }
    // The rows under a record (blocks, frames) are not findings of their own.
    for (const row of kids(open!)) assert.equal(suppressible(row), false, row.label);
  });

  it('the replay refuses batches out of order (a lost message would silently corrupt the heap)', () => {
    const result = traceRun('/w/t.trace', allocatedOnly, 16);
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100 });
    replay.apply(result.batches[0]!);
    assert.throws(() => replay.apply(result.batches[2]!), /expected step 16, got a batch from step 32/);
  });

  it('the replay keeps about the last eventsKept operations for the timeline, in whole batches', () => {
    const result = traceRun('/w/t.trace', seed, 16);
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 40 });
    for (const batch of result.batches) replay.apply(batch);
    assert.ok(replay.keptSteps >= 40 && replay.keptSteps < 40 + 16, `${replay.keptSteps} kept`);
    assert.equal(replay.batches[0]!.firstStep, replay.windowStart);
    assert.equal(replay.windowStart + replay.keptSteps, result.steps, 'the window ends at the run’s last step');
    assert.equal(replay.truncated, true);
    assert.equal(replay.steps, result.steps);
    assert.equal(replay.heap.appMemory, 0);
  });

  it('trace reports: errors de-duplicated per line, the peak, no per-line figures', () => {
    const text = 'reg s 16\nalloc a s 1\nalloc b s 1\nfree a\nfree a\nalloc c nope 1';
    const { report, sites } = traceRun('/w/t.trace', text);
    assert.equal(report.schemaVersion, 2);
    assert.deepEqual(report.sites, [], 'one record per operation would add nothing');
    assert.deepEqual(
      sites.map((s) => s.line),
      [1, 2, 3, 4, 5, 6],
      'every operation is named by its line',
    );
    assert.deepEqual(
      report.errors.map((e) => [e.kind, e.site.line]),
      [
        ['double-free', 5],
        ['unregistered-struct', 6],
      ],
    );
    assert.equal(report.peak!.appMemory, 2 * (48 + 16));
    assert.equal(report.peak!.event, 2);
    // The views count per line from the operation log instead.
    const run = runOfTrace(text);
    assert.deepEqual(
      siteFigures(run.replay, run.sites, undefined).map((f) => [f.site.line, f.allocated, f.freed, f.live]),
      [
        [2, 1, 1, 0],
        [3, 1, 0, 1],
      ],
    );
  });

  it('RunStore: whenRunFinished waits for the views to settle', async () => {
    const store = new RunStore(2);
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 10 });
    await store.whenRunFinished(); // no run yet: resolves at once (a hang would time the test out)
    const run = store.begin({ kind: 'trace', file: 'f', label: 'f', replay, sites: [] });
    const changes: string[] = [];
    store.onDidChange((_r, change) => changes.push(change));
    let settled = false;
    const finished = store.whenRunFinished().then(() => assert.equal(settled, true));
    await store.end(run, 'finished', {}, async () => {
      await new Promise((r) => setTimeout(r, 5));
      settled = true;
    });
    await finished;
    assert.deepEqual(changes, ['finished']);
    store.begin({ kind: 'trace', file: 'g', label: 'g', replay, sites: [] });
    store.begin({ kind: 'trace', file: 'h', label: 'h', replay, sites: [] });
    assert.deepEqual(
      store.runs.map((r) => r.file),
      ['g', 'h'],
      'history keeps the last runs',
    );
    const kept = new RunStore(3);
    const first = kept.begin({
      kind: 'trace',
      file: 'a',
      label: 'a',
      replay: runOfTrace('reg s 16\nalloc a s 1').replay,
      sites: [],
    });
    assert.equal(first.replay.batches.length > 0, true);
    kept.begin({ kind: 'trace', file: 'b', label: 'b', replay, sites: [] });
    assert.deepEqual(
      [first.replay.batches.length, first.replay.truncated, first.replay.heap.appMemory],
      [0, true, 64],
      'an older run keeps its heap, not its log',
    );
  });
});

describe('site figures from the operation log', () => {
  it('counts allocated / freed / live / peak per site and takes leaks from the report', () => {
    const text = ['reg s 16', 'alloc a s 1', 'alloc b s 1', 'free a', 'alloc c s 1', 'free c', 'alloc d s 1'].join('\n');
    const run = runOfTrace(text);
    const trace = run.report as LmmReport;
    const leakAt = { file: '/w/t.trace', line: 3, column: 1 };
    const figures = siteFigures(run.replay, run.sites, {
      ...trace,
      leaks: [
        { kind: 'definitely-lost', struct: 's', blocks: 1, bytes: 16, site: leakAt, stack: [leakAt], suppressed: false },
        { kind: 'still-reachable', struct: 's', blocks: 1, bytes: 16, site: leakAt, stack: [leakAt], suppressed: false },
      ],
    });
    assert.deepEqual(
      figures.map((f) => [f.site.line, f.struct, f.allocated, f.freed, f.live, f.peakLive, f.leakedBlocks, f.leakedBytes]),
      [
        [2, 's', 1, 1, 0, 1, 0, 0],
        [3, 's', 1, 0, 1, 1, 1, 16],
        [5, 's', 1, 1, 0, 1, 0, 0],
        [7, 's', 1, 0, 1, 1, 0, 0],
      ],
    );
    assert.deepEqual(
      freeSiteFigures(run.replay, run.sites).map((f) => [f.site.line, f.freed, f.refused]),
      [
        [4, 1, 0],
        [6, 1, 0],
      ],
    );
    const twice = runOfTrace(['reg s 16', 'alloc a s 1', 'free a', 'free a'].join('\n'));
    assert.deepEqual(
      freeSiteFigures(twice.replay, twice.sites).map((f) => [f.site.line, f.freed, f.refused]),
      [
        [3, 1, 0],
        [4, 0, 1],
      ],
      'a double free is refused on its own line',
    );
  });
});

describe('Leaks tree reveals blocks', () => {
  it('names the blocks of a loss record when its site has exactly that many live blocks', () => {
    const run = runOfTrace(['reg s 16', 'alloc a s 1', 'alloc b s 1', 'alloc c s 1', 'free c'].join('\n'));
    const at = (line: number) => ({ file: '/w/t.trace', line, column: 1 });
    const record = (line: number, blocks: number): ReportLeak => ({
      kind: 'definitely-lost',
      struct: 's',
      blocks,
      bytes: 16 * blocks,
      site: at(line),
      stack: [at(line)],
      suppressed: false,
    });
    run.report = { ...(run.report as LmmReport), leaks: [record(2, 1), record(3, 2), record(4, 1)] };
    const [exact, mismatch, freed] = kids(leakNodes(run)[0]!);
    const live = [...run.replay.blockSite.entries()].find(([, site]) => run.sites[site]!.line === 2)![0];
    assert.equal(exact!.address, live, 'the one live block of line 2');
    assert.deepEqual(
      kids(exact!).map((r) => r.address),
      [live],
    );
    assert.equal(mismatch!.address, undefined, 'line 3 has 1 live block, the record 2: no guess');
    assert.equal(freed!.address, undefined, 'nothing live from line 4');
  });

  it('lists the first 100 live blocks of a site with 250, in allocation order, from a heap where other sites hold more', () => {
    // Site 0 allocates 250 blocks, site 1 (another line) 400, then site 0's record is checked.
    const heap = new LmmHeap({ pageSize: 4096 });
    const recorder = new HeapOpRecorder();
    recorder.record(HeapOpKind.Register, 16, 0, heap.register('s', 16), -1, 's');
    const bySite: number[][] = [[], []];
    for (let i = 0; i < 650; i++) {
      const siteId = i % 13 < 5 ? 0 : 1;
      const address = heap.xcalloc(0, 1);
      bySite[siteId]!.push(address);
      recorder.record(HeapOpKind.Alloc, 0, 1, address, siteId);
    }
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 10_000 });
    const sites = [
      { file: '/w/a.lmm.ts', line: 5, column: 3 },
      { file: '/w/a.lmm.ts', line: 9, column: 3 },
    ];
    const run = store.begin({ kind: 'harness', file: '/w/a.lmm.ts', label: 'a.lmm.ts', replay, sites });
    replay.apply(recorder.flush()!);
    assert.equal(bySite[0]!.length, 250);
    const record = (blocks: number, at = sites[0]!): ReportLeak => ({
      kind: 'definitely-lost',
      struct: 's',
      blocks,
      bytes: 16 * blocks,
      site: at,
      stack: [at],
      suppressed: false,
    });
    run.report = { ...({} as LmmReport), leaks: [record(250), record(251), record(400, sites[1])] } as LmmReport;
    const [exact, tooMany, other] = kids(leakNodes(run)[0]!);
    const rows = kids(exact!);
    assert.deepEqual(
      rows.filter((r) => r.address !== undefined).map((r) => r.address),
      bySite[0]!.slice(0, 100),
    );
    assert.equal(rows.at(-1)!.label, '100 of 250 blocks listed');
    assert.equal(tooMany!.address, undefined, '250 live at the site, the record 251: no guess');
    assert.equal(kids(other!).filter((r) => r.address !== undefined).length, 100);
    assert.equal(other!.address, bySite[1]![0]);
  });
});
