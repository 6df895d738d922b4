/**
 * Canvas colours, read from CSS custom properties that map to VS Code theme variables
 * (`memoryMap.css` defines `--lmm-*` as `var(--vscode-…)`), so light, dark and high-contrast
 * themes all apply. Re-read whenever VS Code switches theme (it changes the body's class).
 */

import { STRUCT_THEME_PALETTE } from '../../src/protocol/structPalette';

/** How many struct colours the theme palette offers before it repeats. */
export const STRUCT_PALETTE_SIZE = STRUCT_THEME_PALETTE.length;

export interface MapColors {
  background: string;
  foreground: string;
  muted: string;
  pageHeader: string;
  meta: string;
  free: string;
  freeBorder: string;
  softFragment: string;
  hardFragment: string;
  selection: string;
  hover: string;
  error: string;
  leakCheck: string;
  peak: string;
  chartLine: string;
  chartFill: string;
  grid: string;
  palette: string[];
  font: string;
}

export function readColors(element: Element = document.body): MapColors {
  const style = getComputedStyle(element);
  const v = (name: string) => style.getPropertyValue(name).trim() || 'gray';
  const palette: string[] = [];
  for (let i = 0; i < STRUCT_PALETTE_SIZE; i++) palette.push(v(`--lmm-struct-${i}`));
  return {
    background: v('--lmm-background'),
    foreground: v('--lmm-foreground'),
    muted: v('--lmm-muted'),
    pageHeader: v('--lmm-page-header'),
    meta: v('--lmm-meta'),
    free: v('--lmm-free'),
    freeBorder: v('--lmm-free-border'),
    softFragment: v('--lmm-soft-fragment'),
    hardFragment: v('--lmm-hard-fragment'),
    selection: v('--lmm-selection'),
    hover: v('--lmm-hover'),
    error: v('--lmm-error'),
    leakCheck: v('--lmm-leak-check'),
    peak: v('--lmm-peak'),
    chartLine: v('--lmm-chart-line'),
    chartFill: v('--lmm-chart-fill'),
    grid: v('--lmm-grid'),
    palette,
    font: `${style.getPropertyValue('--vscode-editor-font-size').trim() || '12px'} ${
      style.getPropertyValue('--vscode-editor-font-family').trim() || 'monospace'
    }`,
  };
}

/** A struct's colour: the host's `lmm.structColors` override, else the theme palette by family id. */
export function structColor(colors: MapColors, overrides: Record<string, string>, name: string, familyId: number): string {
  return overrides[name] ?? colors.palette[familyId % colors.palette.length]!;
}

/** Calls `onChange` when VS Code switches theme (body class / style changes). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
}
