import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { scanHarness } from '../../../src/server/harnessScan';
import { staticDiagnostics } from '../../../src/server/staticChecks';

const HARNESS = `import { struct, u32, XCALLOC, XREALLOC, XREALLOC_BUF, XCALLOC_BUF, MM_REG_STRUCT } from 'lmm-studio';
@struct class rec_t { @u32 id!: number; @u32 pad!: number; }
@struct class other_t { @u32 id!: number; }
export default function main() {
  MM_REG_STRUCT(rec_t);
  let v = XCALLOC(1, rec_t);
  v = XREALLOC(v, 1000, rec_t);
  const w = XREALLOC(null, 2, other_t);
  const b = XREALLOC_BUF(XCALLOC_BUF(4), 8);
}
`;

/** The language server reads XREALLOC calls as the allocations they make (lenses, hovers, static checks). */
describe('language server: XREALLOC and XREALLOC_BUF calls are allocations', () => {
  it('scans their struct and units, and checks them as XCALLOC is checked, naming the call', () => {
    const scan = scanHarness(HARNESS, 'h.lmm.ts');
    assert.deepEqual(
      scan.allocations.map((c) => [c.callee ?? 'XCALLOC*', c.struct, c.units]),
      [
        ['XCALLOC*', 'rec_t', 1],
        ['XREALLOC', 'rec_t', 1000],
        ['XREALLOC', 'other_t', 2],
        ['XREALLOC_BUF', undefined, undefined],
        ['XCALLOC*', undefined, undefined],
      ],
    );
    const document = TextDocument.create('file:///h.lmm.ts', 'typescript', 1, HARNESS);
    const messages = staticDiagnostics(document, scan, 4096).map((d) => d.message);
    assert.ok(
      messages.includes(
        '1000 × rec_t = 8000 bytes exceeds the 4024 bytes one 4096-byte page can serve: XREALLOC returns null (too-large)',
      ),
      messages.join('\n'),
    );
    assert.ok(
      messages.includes(
        'other_t is allocated but never registered with MM_REG_STRUCT: XREALLOC returns null (unregistered-struct)',
      ),
      messages.join('\n'),
    );
  });
});
