/**
 * Tarjan's strongly connected components, iterative (a lost list of 1,000,000 nodes would blow
 * the JS stack with recursion), over the sub-graph of the nodes a mask marks, given as a
 * compressed adjacency list (edges of node u: edgeTarget[edgeStart[u] .. edgeStart[u + 1])).
 * The sub-graph is the nodes v with mask[v] === member.
 */
import { ScratchArrays } from './scratchArrays';

export interface StrongComponents {
  /** Component of each member node (-1 for others), numbered from 0; a scratch view when scratch is given. */
  component: Int32Array;
  count: number;
}

export function strongComponents(
  nodeCount: number,
  edgeStart: Int32Array,
  edgeTarget: Int32Array,
  mask: Uint8Array,
  member: number,
  scratch: ScratchArrays = new ScratchArrays(),
): StrongComponents {
  const index = scratch.int32('scc.index', nodeCount, -1);
  const low = scratch.int32('scc.low', nodeCount);
  const component = scratch.int32('scc.component', nodeCount, -1);
  const onStack = scratch.uint8('scc.onStack', nodeCount, 0);
  const stack = scratch.int32('scc.stack', nodeCount);
  let stackTop = 0;
  const callNode = scratch.int32('scc.callNode', nodeCount);
  const callEdge = scratch.int32('scc.callEdge', nodeCount);
  let nextIndex = 0;
  let count = 0;

  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1 || mask[root] !== member) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = edgeStart[root]!;
    index[root] = low[root] = nextIndex++;
    stack[stackTop++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const u = callNode[depth]!;
      const e = callEdge[depth]!;
      if (e < edgeStart[u + 1]!) {
        callEdge[depth] = e + 1;
        const v = edgeTarget[e]!;
        if (mask[v] !== member) continue;
        if (index[v] === -1) {
          index[v] = low[v] = nextIndex++;
          stack[stackTop++] = v;
          onStack[v] = 1;
          depth++;
          callNode[depth] = v;
          callEdge[depth] = edgeStart[v]!;
        } else if (onStack[v] === 1 && index[v]! < low[u]!) {
          low[u] = index[v]!;
        }
        continue;
      }
      // u is done: close its component if it is a root, then return to the caller.
      if (low[u] === index[u]) {
        let w: number;
        do {
          w = stack[--stackTop]!;
          onStack[w] = 0;
          component[w] = count;
        } while (w !== u);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        if (low[u]! < low[parent]!) low[parent] = low[u]!;
      }
    }
  }
  return { component, count };
}
