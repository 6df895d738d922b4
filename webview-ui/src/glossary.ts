/**
 * The words the views use, explained where they appear (tooltips on table headings, the legend
 * and the totals): the README's glossary in the views' own terms.
 */
export const GLOSSARY: Record<string, string> = {
  payload: 'Payload: the bytes the program asked for, units × struct size.',
  'meta data': 'Meta data: the 48 bytes LMM keeps before every block (free flag, size, offset, neighbours).',
  'application memory': 'Application memory: payload + meta data of the live blocks.',
  'app memory': 'Application memory: payload + meta data of the live blocks.',
  mapped: 'Mapped: all pages the allocator holds from the kernel, registry pages included.',
  tbc: 'TBC: total block count of the family (free and occupied).',
  fbc: 'FBC: free block count of the family.',
  obc: 'OBC: occupied block count of the family (live blocks).',
  'soft fragment': 'Soft fragment: a free block smaller than its struct; no allocation can use it.',
  'hard fragment':
    'Hard fragment: bytes after a block too few to be a block of their own (under 48), in no block until it is freed.',
  'page header': 'Page header: the page’s links to its family and its neighbour pages.',
  free: 'Free: a free block, on its family’s free list.',
};

/** The explanation of `term` (any case; units like " B" after it are ignored), or undefined. */
export function explain(term: string): string | undefined {
  return GLOSSARY[term.trim().toLowerCase().replace(/\s+b$/, '')];
}

/** Gives every table heading and element in `root` whose text is a glossary term its explanation as a tooltip. */
export function explainTerms(root: ParentNode, selector = 'th, .legend-item'): void {
  root.querySelectorAll<HTMLElement>(selector).forEach((element) => {
    const text = explain(element.textContent ?? '');
    if (text && !element.title) element.title = text;
  });
}
