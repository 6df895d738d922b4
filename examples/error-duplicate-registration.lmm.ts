// duplicate-registration: a struct registered twice (the second is refused, the first stays).
import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class item_t {
  @u32 id!: number;
}

function init_items(): void {
  MM_REG_STRUCT(item_t);
}

export default function main(): void {
  init_items();
  init_items();
  XFREE(XCALLOC(1, item_t));
}
