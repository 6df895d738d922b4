/**
 * memcheck's four leak kinds as the analyses code them: the kinds themselves are the run report's
 * (`src/protocol/runReportSchema.ts`), in the order reports list them (index = kind code).
 */
import { LEAK_KINDS, type LeakKind } from '../protocol/runReportSchema';

export { LEAK_KINDS, type LeakKind };

export const DEFINITELY_LOST = 0;
export const INDIRECTLY_LOST = 1;
export const POSSIBLY_LOST = 2;
export const STILL_REACHABLE = 3;

/** memcheck's short names (`match-leak-kinds: definite,indirect`), accepted in suppressions and `--fail-on`. */
export const LEAK_KIND_SHORT: Readonly<Record<string, LeakKind>> = {
  definite: 'definitely-lost',
  indirect: 'indirectly-lost',
  possible: 'possibly-lost',
  reachable: 'still-reachable',
};

/** The leak kind memcheck's short name `word` stands for (own keys only: `constructor` is no kind). */
export function leakKindOfShortName(word: string): LeakKind | undefined {
  return Object.hasOwn(LEAK_KIND_SHORT, word) ? LEAK_KIND_SHORT[word] : undefined;
}

/** Leaked = lost one way or another: definitely, indirectly or possibly (not still reachable). */
export function isLost(kind: LeakKind): boolean {
  return kind !== 'still-reachable';
}
