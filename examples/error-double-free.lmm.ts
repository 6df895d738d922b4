// double-free: the same block freed twice (through two copies of the pointer). The second XFREE
// is refused and reported with where the block was allocated and first freed; the heap is intact.
import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class buffer_t {
  @u32 length!: number;
}

export default function main(): void {
  MM_REG_STRUCT(buffer_t);
  const b = XCALLOC(1, buffer_t);
  const alias = b;
  XFREE(b);
  XFREE(alias);
}
