/**
 * Tarjan's strongly connected components, iterative (a lost list of 1,000,000 nodes would blow
 * the JS stack with recursion), over the sub-graph of the nodes `include` marks, given as a
 * compressed adjacency list (edges of node u: edgeTarget[edgeStart[u] .. edgeStart[u + 1])).
 */

export interface StrongComponents {
  /** Component of each included node (-1 for others); components are numbered from 0. */
  component: Int32Array;
  count: number;
}

export function strongComponents(
  nodeCount: number,
  edgeStart: Int32Array,
  edgeTarget: Int32Array,
  include: (node: number) => boolean,
): StrongComponents {
  const index = new Int32Array(nodeCount).fill(-1);
  const low = new Int32Array(nodeCount);
  const component = new Int32Array(nodeCount).fill(-1);
  const onStack = new Uint8Array(nodeCount);
  const stack = new Int32Array(nodeCount);
  let stackTop = 0;
  const callNode = new Int32Array(nodeCount);
  const callEdge = new Int32Array(nodeCount);
  let nextIndex = 0;
  let count = 0;

  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1 || !include(root)) continue;
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
        if (v < 0 || !include(v)) continue;
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
