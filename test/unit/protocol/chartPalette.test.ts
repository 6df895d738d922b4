import { strict as assert } from 'node:assert';
import { CHART_CLASS_STYLES } from '../../../src/extension/model/policyChartSvg';
import {
  contrastRatio,
  EDITOR_BACKGROUND,
  GRAPHICS_CONTRAST,
  POLICY_CHART_COLOURS,
  policyLineClass,
  THEME_KINDS,
  type ThemeKind,
} from '../../../src/protocol/chartPalette';

/** The body classes VS Code gives a webview under each theme kind (a high-contrast light body may carry both). */
const BODY_CLASSES: Record<ThemeKind, string[][]> = {
  dark: [['vscode-dark']],
  light: [['vscode-light']],
  highContrast: [['vscode-high-contrast']],
  highContrastLight: [['vscode-high-contrast-light'], ['vscode-high-contrast', 'vscode-high-contrast-light']],
};

/**
 * The stroke the shipped style sheet gives class `cls` on a body with `classes`, resolved as a browser
 * would for these rules (same-specificity rules: the later wins), and its fallback colour.
 */
function strokeOf(css: string, cls: string, classes: string[]): { variable: string; fallback: string } {
  let best: { specificity: number; variable: string; fallback: string } | undefined;
  for (const m of css.matchAll(/([^{}]+)\{stroke:var\((--[\w-]+),(#[0-9a-f]{6})\)\}/gi)) {
    const selector = m[1]!.trim();
    const parts = /^body((?:\.[\w-]+)*) \.([\w-]+)$/.exec(selector);
    if (!parts || parts[2] !== cls) continue;
    const needed = parts[1]!.split('.').filter(Boolean);
    if (!needed.every((c) => classes.includes(c))) continue;
    const specificity = needed.length;
    if (!best || specificity >= best.specificity) best = { specificity, variable: m[2]!, fallback: m[3]! };
  }
  assert.ok(best, `a stroke for .${cls} on body.${classes.join('.')}`);
  return best;
}

describe('Compare Runs: policy colours from the theme’s chart palette', () => {
  it(`every policy line has a contrast of at least ${GRAPHICS_CONTRAST}:1 against the editor background, in every theme kind`, () => {
    const report: string[] = [];
    for (const kind of THEME_KINDS) {
      for (const classes of BODY_CLASSES[kind]) {
        const seen = new Set<string>();
        POLICY_CHART_COLOURS.forEach((colour, i) => {
          const { variable, fallback } = strokeOf(CHART_CLASS_STYLES, `c${i}`, classes);
          assert.equal(variable, `--vscode-charts-${colour}`, 'the theme’s own chart colour comes first');
          const ratio = contrastRatio(fallback, EDITOR_BACKGROUND[kind]);
          report.push(`${kind} ${colour} ${ratio.toFixed(2)}`);
          assert.ok(
            ratio >= GRAPHICS_CONTRAST,
            `${kind}: ${colour} ${fallback} on ${EDITOR_BACKGROUND[kind]} is ${ratio.toFixed(2)}:1`,
          );
          assert.ok(!seen.has(fallback), `${kind}: two policies share ${fallback}`);
          seen.add(fallback);
        });
      }
    }
    assert.equal(report.length, POLICY_CHART_COLOURS.length * 5);
  });

  it('never draws with charts.orange (translucent in dark and light, unset in high contrast)', () => {
    assert.doesNotMatch(CHART_CLASS_STYLES, /charts-orange/);
  });

  it('a policy past the palette goes round again, dotted, so two lines never look the same', () => {
    const classes = Array.from({ length: 2 * POLICY_CHART_COLOURS.length }, (_, i) => policyLineClass(i));
    assert.equal(new Set(classes).size, classes.length);
    assert.equal(policyLineClass(POLICY_CHART_COLOURS.length), 'c0 again');
    assert.match(CHART_CLASS_STYLES, /\.again\{stroke-dasharray:/);
  });

  it('computes WCAG contrast: 21 for black on white, 1 for a colour on itself, and refuses what is not #rrggbb', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21);
    assert.equal(contrastRatio('#ffffff', '#000000'), 21);
    assert.equal(contrastRatio('#3794ff', '#3794ff'), 1);
    // #767676 is the lightest grey with 4.5:1 on white, a well-known reference value.
    assert.ok(contrastRatio('#767676', '#ffffff') > 4.5 && contrastRatio('#777777', '#ffffff') < 4.5);
    assert.throws(() => contrastRatio('red', '#ffffff'), /not a #rrggbb colour: red/);
    assert.throws(() => contrastRatio('#fff', '#ffffff'), /not a #rrggbb/);
  });
});
