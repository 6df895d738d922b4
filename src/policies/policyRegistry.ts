/** The policies by name: how `--policy NAME` finds one, and what `lmm policies` lists. */
import type { AllocatorPolicy, PolicyOptions } from './allocatorPolicy';
import { ArenaPolicy } from './arenaPolicies';
import { LmmPolicy } from './lmmPolicies';
import { SegregatedPolicy } from './segregatedPolicy';

export interface PolicyInfo {
  name: string;
  /** One line: what it does. */
  summary: string;
  create(options?: PolicyOptions): AllocatorPolicy;
}

export const POLICIES: readonly PolicyInfo[] = [
  {
    name: 'lmm-classic',
    summary: 'LMM exactly: a page family per struct, largest fit, 48-byte meta data; one page at most per request',
    create: (options) => new LmmPolicy('lmm-classic', false, options),
  },
  {
    name: 'lmm-extended',
    summary: 'LMM plus multi-page requests, each a run of its own pages with LMM headers',
    create: (options) => new LmmPolicy('lmm-extended', true, options),
  },
  {
    name: 'first-fit',
    summary: 'one free list (LIFO), the first block that fits; 4-byte boundary tags',
    create: (options) => new ArenaPolicy('first-fit', 'first', options),
  },
  {
    name: 'next-fit',
    summary: 'first fit that resumes where the last search stopped; 4-byte boundary tags',
    create: (options) => new ArenaPolicy('next-fit', 'next', options),
  },
  {
    name: 'best-fit',
    summary: 'the smallest free block that fits, found through size bins; 4-byte boundary tags',
    create: (options) => new ArenaPolicy('best-fit', 'best', options),
  },
  {
    name: 'tlsf',
    summary: 'Two-Level Segregated Fit: O(1) good fit through two bitmap levels; 4-byte boundary tags',
    create: (options) => new ArenaPolicy('tlsf', 'good', options),
  },
  {
    name: 'segregated',
    summary: 'simple segregated storage: one size class per page, no block headers; large requests get runs',
    create: (options) => new SegregatedPolicy(options),
  },
  {
    name: 'hybrid',
    summary: "size-class pages for requests of at most 128 bytes, best fit with 4-byte tags for the rest (jemalloc's shape)",
    create: (options) => new SegregatedPolicy(options, { name: 'hybrid', smallLimit: 128, large: 'best' }),
  },
];

export const POLICY_NAMES: readonly string[] = POLICIES.map((p) => p.name);

export function findPolicy(name: string): PolicyInfo | undefined {
  return POLICIES.find((p) => p.name === name);
}
