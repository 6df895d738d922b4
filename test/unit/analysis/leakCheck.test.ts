import { strict as assert } from 'node:assert';
import { checkLeaks, type LeakCheckResult } from '../../../src/analysis/leakCheck';
import { LEAK_KINDS, type LeakKind } from '../../../src/analysis/leakKinds';
import { parseSuppressions } from '../../../src/analysis/suppressions';
import { structSpec, arraySpec } from '../../../src/analysis/cLayout';
import { ptr, RunDataBuilder, u32 } from '../../support/runDataBuilder';

/** node_t { u32 value; node_t *next; node_t *prev; }: 24 bytes, next at 8, prev at 16. */
const NEXT = 8;
const PREV = 16;
const LEFT = 0;
const RIGHT = 8;

function withNodes(): RunDataBuilder {
  const b = new RunDataBuilder();
  b.struct('node_t', [u32('value'), ptr('next', 'node_t'), ptr('prev', 'node_t')]);
  b.struct('tree_t', [ptr('left', 'tree_t'), ptr('right', 'tree_t'), u32('key')]);
  return b;
}

/** The kind of each allocation id (undefined when freed). */
function kindsById(result: LeakCheckResult): Map<number, LeakKind> {
  const map = new Map<number, LeakKind>();
  for (let k = 0; k < result.liveIds.length; k++) map.set(result.liveIds[k]!, LEAK_KINDS[result.kinds[k]!]!);
  return map;
}

function kindsOf(result: LeakCheckResult, ids: number[]): LeakKind[] {
  const map = kindsById(result);
  return ids.map((id) => map.get(id)!);
}

/** Builds a singly linked list of `n` nodes, allocated in order; returns their addresses. */
function list(b: RunDataBuilder, n: number, line = 10): number[] {
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) nodes.push(b.alloc('node_t', 1, line));
  for (let i = 0; i + 1 < n; i++) b.link(nodes[i]!, NEXT, nodes[i + 1]!);
  return nodes;
}

describe('checkLeaks: memcheck kinds', () => {
  it('a rooted list is still reachable, in one record with a root path', () => {
    const b = withNodes();
    const nodes = list(b, 5);
    b.root(nodes[0]!, 'head');
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2, 3, 4]), Array(5).fill('still-reachable'));
    assert.equal(result.records.length, 1);
    const record = result.records[0]!;
    assert.equal(record.blocks, 5);
    assert.equal(record.bytes, 5 * 24);
    assert.deepEqual(
      record.rootPath!.map((s) => s.field),
      ['head'],
    );
    assert.deepEqual(result.summary['still-reachable'], { blocks: 5, bytes: 120 });
    assert.deepEqual(result.summary['definitely-lost'], { blocks: 0, bytes: 0 });
  });

  it('a lost list has one definitely-lost head that drags the rest', () => {
    const b = withNodes();
    const nodes = list(b, 5);
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2, 3, 4]), [
      'definitely-lost',
      'indirectly-lost',
      'indirectly-lost',
      'indirectly-lost',
      'indirectly-lost',
    ]);
    const definite = result.records.find((r) => r.kind === 'definitely-lost')!;
    assert.deepEqual(definite.drags, { blocks: 4, bytes: 96 });
    assert.deepEqual(definite.rootPath, []);
    assert.deepEqual(definite.addresses, [nodes[0]]);
    assert.deepEqual(definite.allocationIds, [0]);
    assert.deepEqual(result.records.find((r) => r.kind === 'indirectly-lost')!.addresses, nodes.slice(1));
    assert.deepEqual(result.summary['indirectly-lost'], { blocks: 4, bytes: 96 });
  });

  it('the head of a lost list is the block nothing points to, even when allocated last', () => {
    const b = withNodes();
    const nodes = [b.alloc('node_t'), b.alloc('node_t'), b.alloc('node_t')];
    b.link(nodes[2]!, NEXT, nodes[1]!);
    b.link(nodes[1]!, NEXT, nodes[0]!);
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2]), ['indirectly-lost', 'indirectly-lost', 'definitely-lost']);
  });

  it('a lost cycle: the earliest-allocated block is definitely lost', () => {
    const b = withNodes();
    const [x, y, z] = [b.alloc('node_t'), b.alloc('node_t'), b.alloc('node_t')];
    b.link(y!, NEXT, z!);
    b.link(z!, NEXT, x!);
    b.link(x!, NEXT, y!);
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2]), ['definitely-lost', 'indirectly-lost', 'indirectly-lost']);
    assert.deepEqual(result.records.find((r) => r.kind === 'definitely-lost')!.drags, { blocks: 2, bytes: 48 });
  });

  it('a lost doubly linked list is one component with one definitely-lost block', () => {
    const b = withNodes();
    const nodes = list(b, 6);
    for (let i = 1; i < 6; i++) b.link(nodes[i]!, PREV, nodes[i - 1]!);
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2, 3, 4, 5]), ['definitely-lost', ...Array(5).fill('indirectly-lost')]);
  });

  it('a cycle hanging off a cycle: the head comes from the component nobody points into', () => {
    const b = withNodes();
    // The inner cycle is allocated first, so "earliest overall" would be wrong.
    const [c, d, a, bb] = [b.alloc('node_t'), b.alloc('node_t'), b.alloc('node_t'), b.alloc('node_t')];
    b.link(c!, NEXT, d!);
    b.link(d!, NEXT, c!);
    b.link(a!, NEXT, bb!);
    b.link(bb!, NEXT, a!);
    b.link(bb!, PREV, c!);
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2, 3]), ['indirectly-lost', 'indirectly-lost', 'definitely-lost', 'indirectly-lost']);
    assert.deepEqual(result.records.find((r) => r.kind === 'definitely-lost')!.drags, { blocks: 3, bytes: 72 });
  });

  it('a block shared by two lost lists is charged once, to the earlier head', () => {
    const b = withNodes();
    const [a, c, shared] = [b.alloc('node_t', 1, 11), b.alloc('node_t', 1, 12), b.alloc('node_t', 1, 13)];
    b.link(a!, NEXT, shared!);
    b.link(c!, NEXT, shared!);
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2]), ['definitely-lost', 'definitely-lost', 'indirectly-lost']);
    const byLine = new Map(result.records.map((r) => [r.site!.line, r]));
    assert.deepEqual(byLine.get(11)!.drags, { blocks: 1, bytes: 24 });
    assert.deepEqual(byLine.get(12)!.drags, { blocks: 0, bytes: 0 });
  });

  it('a tree: rooted it is reachable with field paths; unrooted its root drags the rest', () => {
    const b = withNodes();
    const t = Array.from({ length: 7 }, () => b.alloc('tree_t'));
    for (let i = 0; i < 3; i++) {
      b.link(t[i]!, LEFT, t[2 * i + 1]!);
      b.link(t[i]!, RIGHT, t[2 * i + 2]!);
    }
    b.root(t[0]!, 'tree');
    let result = checkLeaks(b.data());
    assert.equal(result.summary['still-reachable'].blocks, 7);
    b.roots.length = 0;
    result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2, 3, 4, 5, 6]), ['definitely-lost', ...Array(6).fill('indirectly-lost')]);
    assert.deepEqual(result.records[0]!.drags, { blocks: 6, bytes: 6 * 24 });
    // Half the tree rooted: the other half is lost with its own head.
    b.root(t[1]!, 'left half');
    result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2, 3, 4, 5, 6]), [
      'definitely-lost',
      'still-reachable',
      'indirectly-lost',
      'still-reachable',
      'still-reachable',
      'indirectly-lost',
      'indirectly-lost',
    ]);
  });

  it('root paths name the fields followed from the root', () => {
    const b = withNodes();
    const t = Array.from({ length: 3 }, (_, i) => b.alloc('tree_t', 1, 20 + i));
    b.link(t[0]!, LEFT, t[1]!);
    b.link(t[1]!, RIGHT, t[2]!);
    b.root(t[0]!, 'g_tree', 77);
    const result = checkLeaks(b.data());
    const deepest = result.records.find((r) => r.site!.line === 22)!;
    assert.deepEqual(
      deepest.rootPath!.map((s) => [s.struct, s.field, s.site!.line, s.interior]),
      [
        ['tree_t', 'g_tree', 77, false],
        ['tree_t', 'left', 21, false],
        ['tree_t', 'right', 22, false],
      ],
    );
  });

  it('interior pointers make blocks possibly lost, from roots and from blocks', () => {
    const b = withNodes();
    const holder = b.alloc('node_t', 1, 30);
    const array = b.alloc('node_t', 3, 31); // a 3-unit block
    const behind = b.alloc('node_t', 1, 32);
    const interiorRooted = b.alloc('node_t', 2, 33);
    b.link(holder, NEXT, array + 24); // &array[1]
    b.link(array + 48, NEXT, behind); // array[2].next = behind (a start pointer, but the chain used an interior one)
    b.root(holder, 'holder');
    b.root(interiorRooted + 24, 'second unit');
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2, 3]), ['still-reachable', 'possibly-lost', 'possibly-lost', 'possibly-lost']);
    const arrayRecord = result.records.find((r) => r.site!.line === 31)!;
    assert.deepEqual(
      arrayRecord.rootPath!.map((s) => [s.field, s.interior]),
      [
        ['holder', false],
        ['next', true],
      ],
    );
    assert.deepEqual(
      result.records.find((r) => r.site!.line === 32)!.rootPath!.map((s) => s.field),
      ['holder', 'next', '[2].next'],
    );
    assert.equal(result.records.find((r) => r.site!.line === 33)!.rootPath![0]!.interior, true);
    assert.equal(result.records.find((r) => r.site!.line === 31)!.bytes, 72);
  });

  it('follows pointers in every unit of a multi-unit block and inside nested structs and arrays', () => {
    const b = new RunDataBuilder();
    const point = b.struct('point_t', [u32('x'), ptr('link', 'node_t')]);
    b.struct('node_t', [u32('value'), ptr('next', 'node_t'), ptr('prev', 'node_t')]);
    const holder = b.struct('holder_t', [
      u32('n'),
      structSpec('p', point),
      arraySpec('pts', structSpec('', point), 3, 'point_t'),
    ]);
    assert.deepEqual(holder.pointerOffsets, [16, 32, 48, 64]);
    const h = b.alloc('holder_t', 2, 60); // 2 units of 72 bytes
    const viaNested = b.alloc('node_t', 1, 61);
    const viaArray = b.alloc('node_t', 1, 62);
    const viaUnit1 = b.alloc('node_t', 1, 63);
    const unreached = b.alloc('node_t', 1, 64);
    b.link(h, 16, viaNested); // h[0].p.link
    b.link(h, 48, viaArray); // h[0].pts[1].link
    b.link(h, 72 + 64, viaUnit1); // h[1].pts[2].link
    b.root(h, 'holders');
    const result = checkLeaks(b.data());
    assert.deepEqual(kindsOf(result, [0, 1, 2, 3, 4]), [
      'still-reachable',
      'still-reachable',
      'still-reachable',
      'still-reachable',
      'definitely-lost',
    ]);
    const path = (line: number) => result.records.find((r) => r.site!.line === line)!.rootPath!.map((s) => s.field);
    assert.deepEqual(path(61), ['holders', '[0].p.link']);
    assert.deepEqual(path(62), ['holders', '[0].pts[1].link']);
    assert.deepEqual(path(63), ['holders', '[1].pts[2].link']);
    void unreached;
  });

  it('considers allocated blocks only: freed blocks and stale pointers do not count', () => {
    const b = withNodes();
    const [a, freed, c] = [b.alloc('node_t'), b.alloc('node_t'), b.alloc('node_t')];
    b.link(a, NEXT, freed); // dangling once freed
    b.link(freed, NEXT, c); // lives in freed bytes: must not keep c alive
    b.root(a);
    b.free(freed);
    const result = checkLeaks(b.data());
    assert.equal(result.liveBlocks, 2);
    assert.deepEqual(kindsOf(result, [0, 2]), ['still-reachable', 'definitely-lost']);
  });

  it('ignores pointers to meta data and unmapped addresses', () => {
    const b = withNodes();
    const [a, c] = [b.alloc('node_t'), b.alloc('node_t')];
    b.link(a, NEXT, c - 48); // c's meta data, not its payload
    b.link(a, PREV, 0x1234);
    b.root(a);
    assert.deepEqual(kindsOf(checkLeaks(b.data()), [0, 1]), ['still-reachable', 'definitely-lost']);
  });

  it('groups records by kind, struct and whole allocation stack', () => {
    const b = withNodes();
    b.alloc('node_t', 1, 90, [100]);
    b.alloc('node_t', 1, 90, [100]);
    b.alloc('node_t', 1, 90, [101]); // same helper line, other caller
    b.alloc('tree_t', 1, 90, [100]);
    const result = checkLeaks(b.data());
    assert.deepEqual(result.records.map((r) => [r.struct, r.blocks, r.stack.map((s) => s.line).join('<')]).sort(), [
      ['node_t', 1, '90<101'],
      ['node_t', 2, '90<100'],
      ['tree_t', 1, '90<100'],
    ]);
  });

  it('suppressed records are still counted, as suppressed', () => {
    const b = withNodes();
    list(b, 3, 10);
    b.alloc('tree_t', 1, 11);
    const suppressions = parseSuppressions(
      [
        '{',
        '  lists-at-exit',
        '  lmm:Leak',
        '  match-leak-kinds: definite,indirect',
        '  struct: node_*',
        '  src:test.lmm.ts:10',
        '}',
      ].join('\n'),
      'x.lmmsupp',
    );
    const result = checkLeaks(b.data(), { suppressions });
    assert.deepEqual(result.summary.suppressed, { blocks: 3, bytes: 72 });
    assert.deepEqual(result.summary['definitely-lost'], { blocks: 1, bytes: 24 });
    assert.deepEqual(
      result.records.filter((r) => r.suppressed).map((r) => [r.kind, r.suppressedBy]),
      [
        ['definitely-lost', 'lists-at-exit'],
        ['indirectly-lost', 'lists-at-exit'],
      ],
    );
    assert.deepEqual(result.suppressionsUsed, [
      { name: 'lists-at-exit', file: 'x.lmmsupp', line: 1, records: 2, blocks: 3, bytes: 72 },
    ]);
  });

  it('handles a lost list and a lost doubly linked list of 50,000 nodes without recursion', function () {
    this.timeout(20_000);
    const b = withNodes();
    const n = 50_000;
    const nodes = list(b, n);
    for (let i = 1; i < n; i++) b.link(nodes[i]!, PREV, nodes[i - 1]!);
    const single = list(b, 1000);
    void single;
    const result = checkLeaks(b.data());
    assert.deepEqual(result.summary['definitely-lost'], { blocks: 2, bytes: 48 });
    assert.equal(result.summary['indirectly-lost'].blocks, n - 1 + 999);
    assert.equal(result.kinds[0], 0);
    assert.equal(result.kinds[n], 0);
  });
});
