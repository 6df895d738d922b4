/**
 * The theme's chart palette (the `charts.*` theme colours, `--vscode-charts-*` in a webview) as
 * Compare Runs draws one line per policy with it. VS Code's own values for its four built-in
 * theme kinds are kept here: they are the CSS fallbacks (a page shown outside VS Code, a colour a
 * theme leaves unset), and they are what the contrast test measures against each kind's editor
 * background. `charts.orange` is not used: its default is a 33%-opaque find-match highlight in
 * the dark and light themes, and the high-contrast themes leave it unset, so a line drawn with
 * it all but disappears.
 */

/** VS Code's theme kinds, as the webview's body class names them. */
export type ThemeKind = 'dark' | 'light' | 'highContrast' | 'highContrastLight';

export const THEME_KINDS: readonly ThemeKind[] = ['dark', 'light', 'highContrast', 'highContrastLight'];

/** The selector that applies a rule under each theme kind (later rules win: high-contrast light comes last). */
export const THEME_SELECTOR: Readonly<Record<ThemeKind, string>> = {
  dark: 'body',
  light: 'body.vscode-light',
  highContrast: 'body.vscode-high-contrast',
  highContrastLight: 'body.vscode-high-contrast-light',
};

/** `editor.background` in each theme kind (VS Code's defaults). */
export const EDITOR_BACKGROUND: Readonly<Record<ThemeKind, string>> = {
  dark: '#1e1e1e',
  light: '#ffffff',
  highContrast: '#000000',
  highContrastLight: '#ffffff',
};

export type ChartColour = 'blue' | 'red' | 'green' | 'purple' | 'yellow';

/** VS Code's defaults for the chart colours (charts.red, .blue and .yellow are the editor's error, info and warning colours). */
export const CHART_COLOUR_DEFAULTS: Readonly<Record<ChartColour, Readonly<Record<ThemeKind, string>>>> = {
  blue: { dark: '#59a4f9', light: '#0063d3', highContrast: '#59a4f9', highContrastLight: '#0063d3' },
  red: { dark: '#f14c4c', light: '#e51400', highContrast: '#f48771', highContrastLight: '#b5200d' },
  green: { dark: '#89d185', light: '#388a34', highContrast: '#89d185', highContrastLight: '#374e06' },
  purple: { dark: '#b180d7', light: '#652d90', highContrast: '#b180d7', highContrastLight: '#652d90' },
  yellow: { dark: '#cca700', light: '#bf8803', highContrast: '#ffd370', highContrastLight: '#895503' },
};

/** One colour per policy, in the order Compare Runs lists them; a sixth policy goes round again, dotted. */
export const POLICY_CHART_COLOURS: readonly ChartColour[] = ['blue', 'red', 'green', 'purple', 'yellow'];

/** WCAG 2's minimum contrast for the parts of a graphic needed to understand it (success criterion 1.4.11). */
export const GRAPHICS_CONTRAST = 3;

/** The CSS class of policy number `index`'s line and swatch: its colour, and `again` from the second round. */
export function policyLineClass(index: number): string {
  const colour = `c${index % POLICY_CHART_COLOURS.length}`;
  return index >= POLICY_CHART_COLOURS.length ? `${colour} again` : colour;
}

/** The rules that stroke each policy class with its chart colour, with each theme kind's value as fallback. */
export function policyChartStyles(): string {
  const rules: string[] = [];
  for (const kind of THEME_KINDS) {
    const selector = THEME_SELECTOR[kind];
    POLICY_CHART_COLOURS.forEach((colour, i) => {
      rules.push(`${selector} .c${i}{stroke:var(--vscode-charts-${colour},${CHART_COLOUR_DEFAULTS[colour][kind]})}`);
    });
  }
  rules.push('.again{stroke-dasharray:1 3;stroke-linecap:round}');
  return rules.join('');
}

/** WCAG 2's contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function relativeLuminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = match.slice(1).map((part) => {
    const c = parseInt(part, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
