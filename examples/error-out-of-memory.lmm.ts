// out-of-memory: with the simulated memory capped at 8 pages, allocation fails once every page
// is mapped; XCALLOC returns null and the run goes on.
import { struct, array, u32, ptr, mm_init, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class chunk_t {
  @array(u32, 250) data!: number[];
  @ptr(() => chunk_t) next!: chunk_t | null;
}

export default function main(): void {
  mm_init({ memoryCap: 8 * 4096 });
  MM_REG_STRUCT(chunk_t); // 1008 bytes: 3 per page
  let head: chunk_t | null = null;
  let count = 0;
  for (;;) {
    const c = XCALLOC(1, chunk_t);
    if (c === null) break; // out of memory: the 8th page (the registry took the first)
    c.next = head;
    head = c;
    count++;
  }
  while (head !== null) {
    const next: chunk_t | null = head.next;
    XFREE(head);
    head = next;
  }
  if (count !== 21) throw new Error(`expected 21 chunks, got ${count}`);
}
