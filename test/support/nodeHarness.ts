/**
 * The source of a small harness around one struct, `node_t { u32 value }`, registered first in
 * `main`: the tests that run harnesses (crashing, endless, …) differ only in the rest of main.
 * `main`'s body starts on line 8, so a test can name the line its statements are on.
 */
export function nodeHarness(...mainBody: string[]): string {
  return `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';
@struct
class node_t {
  @u32 value!: number;
}
export default function main(): void {
  MM_REG_STRUCT(node_t);
${mainBody.map((line) => `  ${line}\n`).join('')}}
`;
}

/** A harness that allocates and frees a node as fast as it can, for ever (stopped by the test). */
export const TIGHT_LOOP_HARNESS = nodeHarness(
  'for (let i = 0; ; i++) {',
  '  const n = XCALLOC(1, node_t)!;',
  '  n.value = i;',
  '  XFREE(n);',
  '}',
);
