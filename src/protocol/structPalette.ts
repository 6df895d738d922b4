/**
 * One colour per struct in every picture: a family's colour is its id's place in this palette
 * (`lmm.structColors` overrides it by name where settings reach). The Memory Map takes the same
 * places from the theme's chart colours (`--lmm-struct-N` in webview-ui/memoryMap.css, whose
 * fallbacks are these), so a struct keeps its hue in the map, the charts, Compare Runs and the
 * HTML export.
 */
export const STRUCT_PALETTE: readonly string[] = [
  '#3794ff', // charts.blue
  '#89d185', // charts.green
  '#b180d7', // charts.purple
  '#d18616', // charts.orange
  '#11a8cd', // terminal.ansiCyan
  '#bc3fbc', // terminal.ansiMagenta
  '#cca700', // charts.yellow
  '#23d18b', // terminal.ansiBrightGreen
];

/** The colour of family `familyId` (named `name`), with the user's override first. */
export function structPaletteColour(familyId: number, name = '', overrides: Readonly<Record<string, string>> = {}): string {
  return overrides[name] ?? STRUCT_PALETTE[familyId % STRUCT_PALETTE.length]!;
}
