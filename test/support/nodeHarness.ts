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
