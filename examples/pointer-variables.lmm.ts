// Pointer variables as C has them: a global list head, locals that live while their scope does
// (`using`), and a growing array from XREALLOC. The leak check starts from the variables that hold
// a block when it runs: a mid-run mm_leak_check() sees the locals in scope; after the scope ends,
// what only they held is lost.
import {
  struct,
  i32,
  ptr,
  type Block,
  global,
  local,
  MM_REG_STRUCT,
  XCALLOC,
  XREALLOC,
  XFREE,
  mm_leak_check,
  print,
} from 'lmm-studio';

@struct
class item_t {
  @i32 id!: number;
  @ptr(() => item_t) next!: item_t | null;
}

@struct
class slot_t {
  @ptr(() => item_t) item!: item_t | null;
}

/** static item_t *head; */
const head = global<item_t>('head');

function push(id: number): void {
  const item = XCALLOC(1, item_t);
  item.id = id;
  item.next = head.value;
  head.value = item; // re-pointing the global: the old head stays reachable through `next`
}

/** An index of the list grown with realloc, one slot more each time (as `realloc(v, n * sizeof *v)`). */
function index(): Block<slot_t> | null {
  let slots: Block<slot_t> | null = null;
  let n = 0;
  for (let item = head.value; item !== null; item = item.next) {
    slots = XREALLOC(slots, ++n, slot_t);
    slots[n - 1]!.item = item;
  }
  return slots;
}

export default function main(): void {
  MM_REG_STRUCT(item_t);
  MM_REG_STRUCT(slot_t);
  for (let id = 1; id <= 4; id++) push(id);
  {
    using slots = local(index(), 'slots');
    const check = mm_leak_check(); // the local holds the index: nothing is lost yet
    print('while the index is in scope:', check.summary['definitely-lost'].blocks, 'block(s) definitely lost');
    print('index of', slots.value!.item!.id, '…');
  }
  // The scope ended without XFREE(slots): the index (4 × 8 bytes) is definitely lost.
  const first = head.value!;
  head.value = first.next; // unlink the first item and free it
  XFREE(first);
  XFREE(null); // as free(NULL): nothing happens
}
