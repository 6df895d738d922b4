// too-large: a request bigger than one page can serve (4096 − 72 bytes with 4 KiB pages)
// returns null; LMM serves no multi-page blocks.
import { struct, array, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';

@struct
class row_t {
  @array(u32, 64) cells!: number[];
}

export default function main(): void {
  MM_REG_STRUCT(row_t); // 256 bytes
  const rows = XCALLOC(16, row_t); // 4096 bytes > 4024
  if (rows !== null) throw new Error('expected null');
}
