// A flexible array member (`@array(T, 0)`, C's `T data[]`) must stay a struct's last member: gcc
// refuses one that is not ("flexible array member not at end of struct"). The padding hint and the
// language server's "Reorder the fields … to remove padding" sorted it by alignment, so for
// `{ u8 a; u32 b; u8 c; u64 data[]; }` they proposed `{ u64 data[0]; u32 b; u8 a; u8 c; }`, which
// is no C program's struct; keeping it last saves the same 8 bytes. The language server also said
// it "cannot read the C type of @array(u64, 0)", the README's own decorator for it.
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { arraySpec, layOutStruct, reorderedForPadding } from '../../../src/analysis/cLayout';
import { reorderEdit } from '../../../src/server/editorFeatures';
import { scanHarness } from '../../../src/server/harnessScan';

const u8 = (name: string) => ({ name, type: 'u8', size: 1, align: 1 });
const u32 = (name: string) => ({ name, type: 'u32', size: 4, align: 4 });
const u64 = (name: string) => ({ name, type: 'u64', size: 8, align: 8 });

const HARNESS = `import { struct, array, u8, u32, u64 } from 'lmm-studio';
@struct class msg_t {
  @u8 a!: number;
  @u32 b!: number;
  @u8 c!: number;
  @array(u64, 0) data!: bigint[];
}
`;

describe('a flexible array member stays last when fields are reordered to remove padding', () => {
  it('reorderedForPadding: the rest sorted by alignment, the flexible array member after them, at its aligned offset', () => {
    const layout = layOutStruct('msg_t', [u8('a'), u32('b'), u8('c'), arraySpec('data', u64('data'), 0)]);
    assert.equal(layout.size, 16);
    const better = reorderedForPadding(layout);
    assert.deepEqual(
      better.fields.map((f) => [f.name, f.offset, f.size]),
      [
        ['b', 0, 4],
        ['a', 4, 1],
        ['c', 5, 1],
        ['data', 8, 0],
      ],
    );
    assert.equal(better.size, 8);
  });

  it('a zero-length array that is not last (a GNU extension) is sorted as any field; an array of 1 is no flexible member', () => {
    const middle = layOutStruct('mid_t', [u8('a'), arraySpec('z', u64('z'), 0), u32('b')]);
    assert.deepEqual(
      reorderedForPadding(middle).fields.map((f) => f.name),
      ['z', 'b', 'a'],
    );
    const one = layOutStruct('one_t', [u8('a'), arraySpec('data', u64('data'), 1)]);
    assert.deepEqual(
      reorderedForPadding(one).fields.map((f) => f.name),
      ['data', 'a'],
    );
  });

  it('the language server lays the struct out as the run does and its quick fix keeps the member last', () => {
    const struct = scanHarness(HARNESS, 'msg.lmm.ts').structs.find((s) => s.name === 'msg_t')!;
    assert.equal(struct.layoutProblem, undefined);
    assert.equal(struct.layout!.size, 16);
    const document = TextDocument.create('file:///w/msg.lmm.ts', 'typescript', 1, HARNESS);
    const edit = reorderEdit(document, HARNESS, struct);
    assert.ok(edit, 'a reordering saves 8 bytes');
    const fixed = TextDocument.applyEdits(document, [edit]);
    assert.match(
      fixed,
      /@u32 b!: number;\n {2}@u8 a!: number;\n {2}@u8 c!: number;\n {2}@array\(u64, 0\) data!: bigint\[\];\n\}/,
    );
    assert.equal(scanHarness(fixed, 'msg.lmm.ts').structs[0]!.layout!.size, 8);
  });
});
