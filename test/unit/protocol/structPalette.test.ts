/**
 * One colour per struct: the Memory Map's theme fallbacks, and the HTML export's map and legend
 * (by class, coloured per theme kind from the same palette: test/webview/pagePictureColours).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { structClass } from '../../../src/extension/model/pagePictureStyles';
import { mapLegendHtml, pagesSvg } from '../../../src/extension/model/reportExport';
import { contrastRatio, EDITOR_BACKGROUND, GRAPHICS_CONTRAST, THEME_KINDS } from '../../../src/protocol/chartPalette';
import { PEAK_COLOUR, STRUCT_THEME_PALETTE, structPaletteCss } from '../../../src/protocol/structPalette';

describe('struct palette', () => {
  const css = readFileSync(resolve(__dirname, '../../../webview-ui/memoryMap.css'), 'utf8');
  const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();

  it('the Memory Map declares the palette’s rules as structPaletteCss writes them', () => {
    assert.ok(squeeze(css).includes(squeeze(structPaletteCss())), 'memoryMap.css holds structPaletteCss()');
    // No other rule declares a struct colour or the peak's (one place to change them).
    const declarations = [...css.matchAll(/--lmm-(struct-\d+|peak):/g)].length;
    assert.equal(declarations, THEME_KINDS.length * (STRUCT_THEME_PALETTE.length + 1));
  });

  it(`every struct colour and the peak stand out from the editor background by ${GRAPHICS_CONTRAST}:1, and structs differ, in every theme kind`, () => {
    for (const kind of THEME_KINDS) {
      const seen = new Set<string>();
      for (const colour of [...STRUCT_THEME_PALETTE, PEAK_COLOUR]) {
        const ratio = contrastRatio(colour.fallback[kind], EDITOR_BACKGROUND[kind]);
        assert.ok(ratio >= GRAPHICS_CONTRAST, `${kind}: ${colour.themeColour} ${colour.fallback[kind]} is ${ratio.toFixed(2)}:1`);
      }
      for (const colour of STRUCT_THEME_PALETTE) {
        assert.ok(!seen.has(colour.fallback[kind]), `${kind}: two structs share ${colour.fallback[kind]}`);
        seen.add(colour.fallback[kind]);
      }
    }
  });

  it('never draws with charts.orange (translucent in dark and light, unset in high contrast) nor the errors’ red', () => {
    assert.doesNotMatch(css, /charts-orange/);
    for (const colour of STRUCT_THEME_PALETTE) assert.doesNotMatch(colour.themeColour, /orange|red/i);
  });

  it('the HTML export draws each family in its colour class and names it in a legend (names escaped)', () => {
    const heap = new LmmHeap();
    const names = ['a_t', 'b_t', 'c<script>_t'];
    const ids = names.map((n, i) => heap.register(n, 16 + 8 * i));
    for (const id of ids) heap.xcalloc(id, 1);
    const svg = pagesSvg(heap);
    const legend = mapLegendHtml(heap);
    ids.forEach((id, i) => {
      const colourClass = structClass(id);
      assert.equal(colourClass, `s${id % STRUCT_THEME_PALETTE.length}`);
      const escaped = names[i]!.replace(/</g, '&lt;').replace(/>/g, '&gt;');
      assert.ok(svg.includes(`class="${colourClass} b"><title>${escaped} +`), `${names[i]} drawn in ${colourClass}`);
      assert.match(
        legend,
        new RegExp(`class="${colourClass} b"/><text[^>]*>${escaped.replace(/[<>]/g, '.')}</text>`),
        `${names[i]} in the legend`,
      );
    });
    assert.doesNotMatch(svg + legend, /fill="/, 'no colour is fixed in the pictures: the page’s theme gives them');
    assert.ok(!legend.includes('<script>'), 'struct names are escaped');
    assert.match(legend, /page header.*meta data.*free.*soft fragment/);
  });

  it('ids past the palette wrap around', () => {
    assert.equal(structClass(STRUCT_THEME_PALETTE.length + 2), 's2');
  });
});
