// Open-size buffers: C's strdup() for the names of a contact list. XCALLOC_BUF(n) serves n bytes
// from LMM's built-in family `buf` (1-byte units); `@ptr(buf)` is a `char *` field, so the leak
// check follows it. remove_first() frees the contact but forgets its name: that buffer is
// definitely lost. The contact dropped at the end is lost with the name it drags along.
import { struct, u32, ptr, buf, type Buf, MM_REG_STRUCT, XCALLOC, XCALLOC_BUF, XFREE, mm_register_root } from 'lmm-studio';

@struct
class contact_t {
  @u32 id!: number;
  @ptr(buf) name!: Buf | null;
  @ptr(() => contact_t) next!: contact_t | null;
}

@struct
class book_t {
  @u32 count!: number;
  @ptr(() => contact_t) first!: contact_t | null;
}

/** strdup(): a buffer of exactly the string's bytes and its NUL. */
function strdup(text: string): Buf {
  const copy = XCALLOC_BUF(text.length + 1);
  copy.text = text;
  return copy;
}

function add_contact(book: book_t, id: number, name: string): contact_t {
  const c = XCALLOC(1, contact_t);
  c.id = id;
  c.name = strdup(name);
  c.next = book.first;
  book.first = c;
  book.count++;
  return c;
}

function remove_first(book: book_t): void {
  const c = book.first!;
  book.first = c.next;
  book.count--;
  XFREE(c); // forgets XFREE(c.name)
}

export default function main(): void {
  MM_REG_STRUCT(contact_t);
  MM_REG_STRUCT(book_t);
  const book = XCALLOC(1, book_t);
  mm_register_root(book); // a global: what it reaches is still reachable
  const names = ['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth'];
  names.forEach((name, i) => add_contact(book, i + 1, name));
  remove_first(book);
  const stray = XCALLOC(1, contact_t);
  stray.name = strdup('Ken Thompson'); // never linked into the book: lost, with its name
}
