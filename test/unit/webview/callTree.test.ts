/**
 * Call trees (webview-ui/src/callTree.ts) built from report entries: sums that hold in both
 * directions, recursion that must not count a block twice, entries without a stack, and report
 * data of the wrong shape.
 */
import { strict as assert } from 'node:assert';
import { buildCallTree, leakEntries, peakEntries, type CallTreeNode, type StackEntry } from '../../../webview-ui/src/callTree';

const at = (line: number) => ({ file: '/ws/h.lmm.ts', line, column: 1 });

function walk(node: CallTreeNode, visit: (n: CallTreeNode, depth: number) => void, depth = 0): void {
  visit(node, depth);
  for (const child of node.children) walk(child, visit, depth + 1);
}

describe('call trees', () => {
  const entries: StackEntry[] = [
    { stack: [at(10), at(20), at(30)], struct: 'a_t', bytes: 100, blocks: 2 },
    { stack: [at(10), at(21), at(30)], struct: 'a_t', bytes: 50, blocks: 1 },
    { stack: [at(11), at(30)], struct: 'b_t', bytes: 7, blocks: 7 },
    { stack: [], struct: 'c_t', bytes: 3, blocks: 1 },
  ];

  for (const direction of ['top-down', 'bottom-up'] as const) {
    it(`${direction}: every level adds up to the whole; self adds up to the whole once`, () => {
      const root = buildCallTree(entries, direction);
      assert.equal(root.inclusiveBytes, 160);
      assert.equal(root.inclusiveBlocks, 11);
      assert.equal(
        root.children.reduce((n, c) => n + c.inclusiveBytes, 0),
        160,
      );
      let self = 0;
      walk(root, (n) => {
        self += n.selfBytes;
        if (n.children.length > 0) assert.ok(n.children.reduce((s, c) => s + c.inclusiveBytes, 0) <= n.inclusiveBytes);
      });
      assert.equal(self, 160);
    });
  }

  it('top-down starts at the outermost caller; bottom-up at the allocating line, which owns its bytes', () => {
    const down = buildCallTree(entries, 'top-down');
    assert.deepEqual(
      down.children.map((c) => [c.label, c.inclusiveBytes, c.selfBytes]),
      [
        ['h.lmm.ts:30', 157, 0],
        ['(no call stack)', 3, 3],
      ],
    );
    const up = buildCallTree(entries, 'bottom-up');
    assert.deepEqual(
      up.children.map((c) => [c.label, c.inclusiveBytes, c.selfBytes]),
      [
        ['h.lmm.ts:10', 150, 150],
        ['h.lmm.ts:11', 7, 7],
        ['(no call stack)', 3, 3],
      ],
    );
    assert.deepEqual(
      up.children[0]!.children.map((c) => [c.label, c.inclusiveBytes]),
      [
        ['h.lmm.ts:20', 100],
        ['h.lmm.ts:21', 50],
      ],
    );
  });

  it('a recursive stack (the same line twice) counts its bytes once per level, never twice at the top', () => {
    const root = buildCallTree([{ stack: [at(5), at(6), at(5), at(6)], struct: 'n_t', bytes: 40, blocks: 1 }], 'top-down');
    assert.equal(root.children.length, 1);
    let depth = 0;
    walk(root, (n, d) => {
      depth = Math.max(depth, d);
      if (d > 0) assert.equal(n.inclusiveBytes, 40);
    });
    assert.equal(depth, 4);
  });

  it('report data of the wrong shape is skipped, not thrown on', () => {
    assert.deepEqual(peakEntries(null), []);
    assert.deepEqual(peakEntries({ peak: 'x' }), []);
    assert.deepEqual(peakEntries({ peak: { bySite: [null, 1, { stack: 'no', struct: 3, appMemory: 'big' }] } }), [
      { stack: [], struct: '?', bytes: 0, blocks: 0 },
    ]);
    assert.deepEqual(
      leakEntries({
        leaks: [
          { kind: 'still-reachable', bytes: 8, blocks: 1, stack: [at(1)] },
          { kind: 'definitely-lost', bytes: 8, blocks: 1, suppressed: true, stack: [at(1)] },
          { kind: 'possibly-lost', bytes: 16, blocks: 2, site: at(2), struct: 's_t' },
        ],
      }),
      [{ stack: [at(2)], struct: 's_t', bytes: 16, blocks: 2 }],
    );
  });
});
