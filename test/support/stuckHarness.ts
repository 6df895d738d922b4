/**
 * A harness that makes `frees` double frees of one block, each at its own line (a record each),
 * then calls a regular expression that backtracks past any time limit: one long built-in call,
 * which streams nothing and which only a kill ends. The first double free is at line 7.
 */
export function doubleFreesThenStuck(frees: number): string {
  const lines = [
    "import { print, struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';",
    '@struct class node_t { @u32 key!: number; }',
    'export default function main() {',
    '  MM_REG_STRUCT(node_t);',
    '  const n = XCALLOC(1, node_t)!;',
    '  XFREE(n);',
  ];
  for (let i = 0; i < frees; i++) lines.push('  XFREE(n);');
  lines.push("  print(/^(a+)+$/.test('a'.repeat(40) + 'b'));", '}', '');
  return lines.join('\n');
}
