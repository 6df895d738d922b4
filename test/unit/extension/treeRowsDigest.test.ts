// While a run goes on, a tree is redrawn only when its digest changes: every change a person could
// see in the open rows must change it, and a redraw must not be skipped because two different
// trees happen to read alike.
import { strict as assert } from 'node:assert';
import { DIGEST_MAX_ROWS, treeRowsDigest } from '../../../src/extension/model/treeRowsDigest';
import type { TreeNode } from '../../../src/extension/model/treeNode';

const leaf = (id: string, label: string, description?: string): TreeNode => ({ id, label, description });
const family = (id: string, children: TreeNode[], expanded?: boolean): TreeNode => ({
  id,
  label: id,
  expanded,
  children: () => children,
});
const asNodesSay = (node: TreeNode) => node.expanded === true;

describe('a tree’s rows digest (redraw only when the rows changed)', () => {
  it('is the same for the same rows built afresh, and changes with any shown field of a top row', () => {
    const rows = () => [leaf('a', 'node_t', '3 live · 96 B'), leaf('b', 'list_t', '1 live · 16 B')];
    const base = treeRowsDigest(rows(), asNodesSay);
    assert.equal(treeRowsDigest(rows(), asNodesSay), base, 'new objects with the same content: no redraw');
    const changes: ((nodes: TreeNode[]) => void)[] = [
      (n) => (n[0]!.description = '4 live · 128 B'),
      (n) => (n[1]!.label = 'list2_t'),
      (n) => (n[0]!.tooltip = 'at step 12'),
      (n) => (n[0]!.icon = 'warning'),
      (n) => (n[0]!.iconColor = 'errorForeground'),
      (n) => (n[1]!.contextValue = 'lmmLeak'),
      (n) => n.reverse(),
      (n) => n.pop(),
      (n) => n.push(leaf('c', 'tree_t')),
      (n) => (n[0]!.id = 'a2'),
    ];
    for (const [i, change] of changes.entries()) {
      const nodes = rows();
      change(nodes);
      assert.notEqual(treeRowsDigest(nodes, asNodesSay), base, `change ${i} went unseen`);
    }
  });

  it('reads the children of open rows (also several levels down) and sees their changes', () => {
    const build = (deep: string) => [family('pages', [family('page 1', [leaf('block', 'node_t', deep)], true)], true)];
    assert.notEqual(treeRowsDigest(build('64 B'), asNodesSay), treeRowsDigest(build('80 B'), asNodesSay));
    // A row the user opened (the node says closed) counts as open; one the user closed does not.
    const closedByNode = () => [family('pages', [leaf('p', 'page 1', 'x')])];
    const changed = () => [family('pages', [leaf('p', 'page 1', 'y')])];
    const userOpened = () => true;
    assert.notEqual(treeRowsDigest(closedByNode(), userOpened), treeRowsDigest(changed(), userOpened));
  });

  it('does not build the children of closed rows, and tells open from closed', () => {
    let built = 0;
    const closed: TreeNode = {
      id: 'f',
      label: 'family',
      children: () => {
        built++;
        return [leaf('x', 'x')];
      },
    };
    treeRowsDigest([closed], asNodesSay);
    assert.equal(built, 0, 'a closed row’s children were computed');
    assert.notEqual(
      treeRowsDigest([closed], () => false),
      treeRowsDigest([closed], () => true),
      'opening a row with children must redraw',
    );
    assert.notEqual(
      treeRowsDigest([leaf('f', 'family')], asNodesSay),
      treeRowsDigest([{ ...leaf('f', 'family'), children: () => [] }], () => false),
      'a leaf and a closed row with the same text are different rows',
    );
  });

  it('cannot be fooled by text that spans fields, rows or levels', () => {
    const pairs: [TreeNode[], TreeNode[]][] = [
      [[leaf('a', 'x","y')], [leaf('a', 'x', 'y')]],
      [[leaf('a', 'x\ny')], [leaf('a', 'x'), leaf('y', '')]],
      [[leaf('a', 'x\u001fy', '')], [leaf('a', 'x', '\u001fy')]],
      // the same rows, one level apart
      [[family('f', [leaf('b', 'b')], true)], [family('f', [], true), leaf('b', 'b')]],
    ];
    for (const [i, [one, other]] of pairs.entries())
      assert.notEqual(
        treeRowsDigest(one, () => true),
        treeRowsDigest(other, () => true),
        `pair ${i} read alike`,
      );
  });

  it('gives up (undefined: redraw) past its row limit instead of walking a huge open tree', () => {
    const many = Array.from({ length: DIGEST_MAX_ROWS + 1 }, (_, i) => leaf(`r${i}`, `row ${i}`));
    assert.equal(treeRowsDigest(many, asNodesSay), undefined);
    let built = 0;
    const endless: TreeNode = {
      id: 'loop',
      label: 'loop',
      expanded: true,
      children: () => {
        built++;
        return [endless, endless];
      },
    };
    assert.equal(treeRowsDigest([endless], asNodesSay), undefined, 'a cycle of open rows must end');
    assert.ok(built <= DIGEST_MAX_ROWS, `built ${built} children lists`);
    assert.equal(typeof treeRowsDigest(many.slice(0, DIGEST_MAX_ROWS), asNodesSay), 'string');
  });
});
