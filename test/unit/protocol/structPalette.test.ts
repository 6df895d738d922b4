/**
 * One colour per struct: the Memory Map's theme fallbacks, the HTML export's map and legend, and
 * Compare Runs' pictures all take a family's colour from STRUCT_PALETTE.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { mapLegendHtml, pagesSvg } from '../../../src/extension/model/reportExport';
import { STRUCT_PALETTE, structPaletteColour } from '../../../src/protocol/structPalette';

describe('struct palette', () => {
  it('the Memory Map falls back to the same colours, place for place', () => {
    const css = readFileSync(resolve(__dirname, '../../../webview-ui/memoryMap.css'), 'utf8');
    STRUCT_PALETTE.forEach((colour, i) => {
      const declared = new RegExp(`--lmm-struct-${i}: var\\(--vscode-[\\w-]+, (#[0-9a-f]{6})\\)`).exec(css);
      assert.ok(declared, `--lmm-struct-${i} is declared`);
      assert.equal(declared[1], colour, `struct colour ${i}`);
    });
  });

  it('the HTML export draws each family in its colour and names it in a legend (names escaped)', () => {
    const heap = new LmmHeap();
    const names = ['a_t', 'b_t', 'c<script>_t'];
    const ids = names.map((n, i) => heap.register(n, 16 + 8 * i));
    for (const id of ids) heap.xcalloc(id, 1);
    const svg = pagesSvg(heap);
    const legend = mapLegendHtml(heap);
    ids.forEach((id, i) => {
      const colour = structPaletteColour(id);
      assert.equal(colour, STRUCT_PALETTE[id % STRUCT_PALETTE.length]);
      const escaped = names[i]!.replace(/</g, '&lt;').replace(/>/g, '&gt;');
      assert.ok(
        svg.includes(`fill="${colour}" stroke="#333" stroke-width="0.3"><title>${escaped} +`),
        `${names[i]} drawn in ${colour}`,
      );
      assert.match(
        legend,
        new RegExp(`fill="${colour}"[^>]*/><text[^>]*>${escaped.replace(/[<>]/g, '.')}</text>`),
        `${names[i]} in the legend`,
      );
    });
    assert.ok(!legend.includes('<script>'), 'struct names are escaped');
    assert.match(legend, /page header.*meta data.*free.*soft fragment/);
  });

  it('an override by name wins; ids past the palette wrap around', () => {
    assert.equal(structPaletteColour(9, 'x_t', { x_t: '#ff0000' }), '#ff0000');
    assert.equal(structPaletteColour(9, 'y_t', { x_t: '#ff0000' }), STRUCT_PALETTE[1]);
  });
});
