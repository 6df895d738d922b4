// indirectly-lost: a linked list whose head pointer is dropped. The head is definitely lost;
// the 4 nodes behind it are indirectly lost (only a lost block points to them), and the report
// charges them to the head ("and drags along 64 bytes in 4 blocks that are indirectly lost").
import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';

@struct
class node_t {
  @u32 value!: number;
  @ptr(() => node_t) next!: node_t | null;
}

function push_front(head: node_t | null, value: number): node_t {
  const n = XCALLOC(1, node_t);
  n.value = value;
  n.next = head;
  return n;
}

export default function main(): void {
  MM_REG_STRUCT(node_t);
  let list: node_t | null = null;
  for (let i = 0; i < 5; i++) list = push_front(list, i);
  // The program forgets the list: no root, no free.
  list = null;
}
