/**
 * One colour per struct in every picture: a family's colour is its id's place in this palette
 * (`lmm.structColors` overrides it by name where settings reach). Each place is a theme colour of
 * VS Code's with a fallback per theme kind, chosen so a block stands out from the editor
 * background by at least 3:1 in dark, light and both high-contrast kinds. The Memory Map declares
 * them as `--lmm-struct-N` (webview-ui/memoryMap.css holds `structPaletteCss()`'s rules); the
 * HTML export and Compare Runs give their page pictures the same colours for the theme they are
 * shown in (src/extension/model/pagePictureStyles.ts), so a struct keeps its colour in the map,
 * the charts, Compare Runs and the HTML export.
 *
 * `charts.orange` is not in it: VS Code's default for it is a 33%-opaque highlight in the dark and
 * light themes and the high-contrast themes leave it unset, so a block filled with it all but
 * disappears. Red is not either: the map's hard fragments and errors are red.
 */
import { CHART_COLOUR_DEFAULTS, THEME_KINDS, THEME_SELECTOR, type ThemeKind } from './chartPalette';

export interface ThemedColour {
  /** The VS Code theme colour id (`charts.blue`), read in a webview as `--vscode-charts-blue`. */
  themeColour: string;
  /** Its value when the theme leaves it unset (VS Code's own defaults), per theme kind. */
  fallback: Readonly<Record<ThemeKind, string>>;
}

/** The struct colours, in the order family ids take them. */
export const STRUCT_THEME_PALETTE: readonly ThemedColour[] = [
  { themeColour: 'charts.blue', fallback: CHART_COLOUR_DEFAULTS.blue },
  { themeColour: 'charts.green', fallback: CHART_COLOUR_DEFAULTS.green },
  { themeColour: 'charts.purple', fallback: CHART_COLOUR_DEFAULTS.purple },
  {
    themeColour: 'terminal.ansiCyan',
    fallback: { dark: '#11a8cd', light: '#0598bc', highContrast: '#00cdcd', highContrastLight: '#0598bc' },
  },
  {
    themeColour: 'terminal.ansiMagenta',
    fallback: { dark: '#bc3fbc', light: '#bc05bc', highContrast: '#cd00cd', highContrastLight: '#bc05bc' },
  },
  { themeColour: 'charts.yellow', fallback: CHART_COLOUR_DEFAULTS.yellow },
];

/** The peak's marks (timeline, charts, the map's label column): a chart colour no mark else uses. */
export const PEAK_COLOUR: ThemedColour = { themeColour: 'charts.yellow', fallback: CHART_COLOUR_DEFAULTS.yellow };

const cssVariable = (colour: ThemedColour, kind: ThemeKind) =>
  `var(--vscode-${colour.themeColour.replace(/\./g, '-')}, ${colour.fallback[kind]})`;

/** The Memory Map's `--lmm-struct-N` and `--lmm-peak` declarations, one rule per theme kind. */
export function structPaletteCss(): string {
  return THEME_KINDS.map((kind) => {
    const lines = STRUCT_THEME_PALETTE.map((colour, i) => `  --lmm-struct-${i}: ${cssVariable(colour, kind)};`);
    lines.push(`  --lmm-peak: ${cssVariable(PEAK_COLOUR, kind)};`);
    return `${THEME_SELECTOR[kind]} {\n${lines.join('\n')}\n}\n`;
  }).join('\n');
}
