// A realistic program: a chained hash table of employees with inserts, lookups, deletions and a
// resize, then a teardown that forgets the last bucket's chain (a leak the report finds, with the stack
// through `table_insert` and `new_entry`).
import {
  struct,
  char,
  u32,
  ptr,
  type Block,
  MM_REG_STRUCT,
  XCALLOC,
  XFREE,
  mm_register_root,
  mm_unregister_root,
  mm_leak_check,
} from 'lmm-studio';

@struct
class entry_t {
  @char(24) name!: string;
  @u32 emp_id!: number;
  @u32 salary!: number;
  @ptr(() => entry_t) next!: entry_t | null;
}

@struct
class bucket_t {
  @ptr(() => entry_t) head!: entry_t | null;
}

@struct
class table_t {
  @u32 size!: number;
  @u32 count!: number;
  @ptr(() => bucket_t) buckets!: Block<bucket_t> | null; // bucket_t *buckets: an array of `size`
}

function hash(id: number, size: number): number {
  return ((id * 2654435761) >>> 0) % size;
}

function new_entry(name: string, id: number, salary: number): entry_t {
  const e = XCALLOC(1, entry_t);
  e.name = name;
  e.emp_id = id;
  e.salary = salary;
  return e;
}

function table_create(size: number): table_t {
  const t = XCALLOC(1, table_t);
  t.size = size;
  t.buckets = XCALLOC(size, bucket_t);
  return t;
}

function table_insert(t: table_t, name: string, id: number, salary: number): void {
  const bucket = t.buckets![hash(id, t.size)]!;
  const e = new_entry(name, id, salary);
  e.next = bucket.head;
  bucket.head = e;
  t.count++;
  if (t.count > t.size * 2) table_resize(t, t.size * 2);
}

function table_find(t: table_t, id: number): entry_t | null {
  for (let e = t.buckets![hash(id, t.size)]!.head; e !== null; e = e.next) if (e.emp_id === id) return e;
  return null;
}

function table_delete(t: table_t, id: number): boolean {
  const bucket = t.buckets![hash(id, t.size)]!;
  let prev: entry_t | null = null;
  for (let e = bucket.head; e !== null; prev = e, e = e.next) {
    if (e.emp_id !== id) continue;
    if (prev === null) bucket.head = e.next;
    else prev.next = e.next;
    XFREE(e);
    t.count--;
    return true;
  }
  return false;
}

/** Moves every entry into a new bucket array (entries are relinked, not copied). */
function table_resize(t: table_t, size: number): void {
  const old = t.buckets!;
  const oldSize = t.size;
  t.buckets = XCALLOC(size, bucket_t);
  t.size = size;
  for (let i = 0; i < oldSize; i++) {
    let e = old[i]!.head;
    while (e !== null) {
      const next: entry_t | null = e.next;
      const bucket = t.buckets![hash(e.emp_id, size)]!;
      e.next = bucket.head;
      bucket.head = e;
      e = next;
    }
  }
  XFREE(old);
}

export default function main(): void {
  MM_REG_STRUCT(entry_t);
  MM_REG_STRUCT(bucket_t);
  MM_REG_STRUCT(table_t);
  const t = table_create(8);
  mm_register_root(t);
  for (let id = 1; id <= 100; id++) table_insert(t, `employee ${id}`, id, 30_000 + id * 100);
  for (let id = 1; id <= 100; id += 3) table_delete(t, id);
  if (table_find(t, 2)?.salary !== 30_200 || table_find(t, 4) !== null) throw new Error('table is broken');
  mm_leak_check(); // everything reachable from the table

  // Teardown with an off-by-one: the last bucket's chain is never freed.
  for (let i = 0; i < t.size - 1; i++) {
    let e = t.buckets![i]!.head;
    while (e !== null) {
      const next: entry_t | null = e.next;
      XFREE(e);
      e = next;
    }
  }
  XFREE(t.buckets);
  mm_unregister_root(t);
  XFREE(t);
}
