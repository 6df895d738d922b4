/**
 * The colours of the page pictures drawn outside the Memory Map's canvas (the HTML export's map,
 * Compare Runs' maps), so that they follow the theme as the map does. Their SVG shapes carry
 * classes, never colours: `s0`…`s5` a struct's blocks (STRUCT_THEME_PALETTE, place for place: the
 * same colour as in the map), `ph` the page header, `md` meta data, `fr` a free block, `sf` a soft
 * fragment, and `b` the outline of a block. Two style sheets give the classes their colours:
 *  - in a VS Code webview (Compare Runs), one rule per theme kind (the class VS Code puts on the
 *    body), each colour the map's theme variable with VS Code's default for that kind behind it;
 *  - in a page opened anywhere (the HTML export), the light kind's colours, the dark kind's under
 *    `prefers-color-scheme: dark`, and the high-contrast kinds' under `prefers-contrast: more`,
 *    each with its own page background.
 * Every part but a free block stands out from its kind's background by at least 3:1; a free block
 * is filled with nearly the background (as in the map) and its outline carries it, at 3:1 too.
 */
import { EDITOR_BACKGROUND, THEME_KINDS, THEME_SELECTOR, type ThemeKind } from '../../protocol/chartPalette';
import { STRUCT_THEME_PALETTE } from '../../protocol/structPalette';

/** A page part's colour: the theme variable the map reads (per kind) and its value when unset. */
interface PartColour {
  variable: Readonly<Record<ThemeKind, string>>;
  fallback: Readonly<Record<ThemeKind, string>>;
}

const both = (dark: string, highContrast: string): Record<ThemeKind, string> => ({
  dark,
  light: dark,
  highContrast,
  highContrastLight: highContrast,
});

/** The page parts, keyed by their class. */
export const PAGE_PART_COLOURS: Readonly<Record<'ph' | 'md' | 'fr' | 'sf' | 'b', PartColour>> = {
  ph: {
    variable: both('foreground', 'foreground'),
    fallback: { dark: '#cccccc', light: '#616161', highContrast: '#ffffff', highContrastLight: '#292929' },
  },
  // High-contrast themes make text and indent guides both white (or black): meta data takes the
  // contrast border, as in the map. The light grey is a shade darker than VS Code's #939393: 3.4:1.
  md: {
    variable: both('editorIndentGuide-activeBackground1', 'contrastBorder'),
    fallback: { dark: '#707070', light: '#8c8c8c', highContrast: '#6fc3df', highContrastLight: '#0f4a85' },
  },
  fr: {
    variable: both('editorWidget-background', 'editorWidget-background'),
    fallback: { dark: '#252526', light: '#f3f3f3', highContrast: '#0c141f', highContrastLight: '#ffffff' },
  },
  sf: {
    variable: both('editorWarning-foreground', 'editorWarning-foreground'),
    fallback: { dark: '#cca700', light: '#bf8803', highContrast: '#ffd370', highContrastLight: '#895503' },
  },
  b: {
    variable: both('editorLineNumber-foreground', 'contrastBorder'),
    fallback: { dark: '#858585', light: '#237893', highContrast: '#6fc3df', highContrastLight: '#0f4a85' },
  },
};

/** The class of family `familyId`'s blocks. */
export function structClass(familyId: number): string {
  return `s${familyId % STRUCT_THEME_PALETTE.length}`;
}

/** Each class's colour in theme kind `kind`: a theme variable with its fallback, or the fallback alone. */
function declarations(kind: ThemeKind, themed: boolean): string {
  const colour = (variable: string, fallback: string) => (themed ? `var(--vscode-${variable},${fallback})` : fallback);
  const rules = STRUCT_THEME_PALETTE.map((c, i) => `.s${i}{fill:${colour(c.themeColour.replace(/\./g, '-'), c.fallback[kind])}}`);
  for (const part of ['ph', 'md', 'fr', 'sf'] as const) {
    const c = PAGE_PART_COLOURS[part];
    rules.push(`.${part}{fill:${colour(c.variable[kind], c.fallback[kind])}}`);
  }
  const outline = PAGE_PART_COLOURS.b;
  rules.push(`.b{stroke:${colour(outline.variable[kind], outline.fallback[kind])}}`);
  return rules.join('');
}

/** Rules shared by both sheets: outline widths (a free block's outline is all that shows of it). */
const SHAPES = '.b{stroke-width:.3}.b.fr,.b.sf{stroke-width:1}';

/** The sheet for a VS Code webview: per theme kind, the page's background too. */
export function webviewPageStyles(): string {
  return (
    SHAPES +
    THEME_KINDS.map((kind) => {
      const scoped = declarations(kind, true).replace(/(^|\})\./g, `$1${THEME_SELECTOR[kind]} .`);
      return `${THEME_SELECTOR[kind]}{background:var(--vscode-editor-background,${EDITOR_BACKGROUND[kind]})}${scoped}`;
    }).join('')
  );
}

/** The page background and text of a standalone page in each kind. */
const STANDALONE_TEXT: Readonly<Record<ThemeKind, string>> = {
  dark: '#dddddd',
  light: '#222222',
  highContrast: '#ffffff',
  highContrastLight: '#000000',
};

/** The media query under which a standalone page takes kind `kind` (light: none, the default). */
const STANDALONE_MEDIA: Readonly<Record<ThemeKind, string>> = {
  light: '',
  dark: '(prefers-color-scheme:dark)',
  highContrastLight: '(prefers-contrast:more)',
  highContrast: '(prefers-color-scheme:dark) and (prefers-contrast:more)',
};

/** The sheet for a page opened outside VS Code: light, then the others by media query (later ones win). */
export function standalonePageStyles(): string {
  const order: ThemeKind[] = ['light', 'dark', 'highContrastLight', 'highContrast'];
  return (
    SHAPES +
    order
      .map((kind) => {
        const rules = `body{color:${STANDALONE_TEXT[kind]};background:${EDITOR_BACKGROUND[kind]}}svg text{fill:${STANDALONE_TEXT[kind]}}${declarations(kind, false)}`;
        return STANDALONE_MEDIA[kind] ? `@media ${STANDALONE_MEDIA[kind]}{${rules}}` : rules;
      })
      .join('')
  );
}
