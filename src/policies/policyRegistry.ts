/** The policies by name: how `--policy NAME` finds one, and what `lmm policies` lists. */
import type { AllocatorPolicy, PolicyOptions } from './allocatorPolicy';
import { ArenaPolicy } from './arenaPolicies';
import { BuddyPolicy } from './buddyPolicy';
import { LmmPolicy } from './lmmPolicies';
import { SegregatedPolicy } from './segregatedPolicy';

export interface PolicyInfo {
  name: string;
  /** One line: what it does. */
  summary: string;
  /** Header bytes per block (and per page or run where the policy has those). */
  header: string;
  create(options?: PolicyOptions): AllocatorPolicy;
}

export const POLICIES: readonly PolicyInfo[] = [
  {
    name: 'lmm-classic',
    header: '48 B per block, 24 B per page',
    summary: 'LMM exactly: a page family per struct, largest fit, 48-byte meta data; one page at most per request',
    create: (options) => new LmmPolicy('lmm-classic', false, options),
  },
  {
    name: 'lmm-extended',
    header: '48 B per block, 24 B per page, 72 B per run',
    summary: 'LMM plus multi-page requests, each a run of its own pages with LMM headers',
    create: (options) => new LmmPolicy('lmm-extended', true, options),
  },
  {
    name: 'first-fit',
    header: '4 B per block',
    summary: 'one free list (LIFO), the first block that fits; 4-byte boundary tags',
    create: (options) => new ArenaPolicy('first-fit', 'first', options),
  },
  {
    name: 'next-fit',
    header: '4 B per block',
    summary: 'first fit that resumes where the last search stopped; 4-byte boundary tags',
    create: (options) => new ArenaPolicy('next-fit', 'next', options),
  },
  {
    name: 'best-fit',
    header: '4 B per block',
    summary: 'the smallest free block that fits, found through size bins; 4-byte boundary tags',
    create: (options) => new ArenaPolicy('best-fit', 'best', options),
  },
  {
    name: 'tlsf',
    header: '4 B per block',
    summary: 'Two-Level Segregated Fit: O(1) good fit through two bitmap levels; 4-byte boundary tags',
    create: (options) => new ArenaPolicy('tlsf', 'good', options),
  },
  {
    name: 'buddy',
    header: '4 B per block',
    summary: 'binary buddy system: power-of-two blocks, O(1) merging with the buddy at offset XOR size',
    create: (options) => new BuddyPolicy(options),
  },
  {
    name: 'segregated',
    header: '0 B per block, 48 B per page, 16 B per run',
    summary: 'simple segregated storage: one size class per page, no block headers; large requests get runs',
    create: (options) => new SegregatedPolicy(options),
  },
  {
    name: 'hybrid',
    header: '0 B (small) or 4 B per block, 48 B per small page',
    summary: "size-class pages for requests of at most 128 bytes, best fit with 4-byte tags for the rest (jemalloc's shape)",
    create: (options) => new SegregatedPolicy(options, { name: 'hybrid', smallLimit: 128, large: 'best' }),
  },
];

export const POLICY_NAMES: readonly string[] = POLICIES.map((p) => p.name);

export function findPolicy(name: string): PolicyInfo | undefined {
  return POLICIES.find((p) => p.name === name);
}
