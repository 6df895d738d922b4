/**
 * The Memory Map webview panel, wired: a block picked in the map is revealed in the Page Families
 * tree and its allocating line opened; the timeline's step highlights its harness line; a panel
 * VS Code restores after a reload is taken over. Commands: Show Memory Map, and the tree rows'
 * reveal (open the line, show the block in the map).
 */
import * as vscode from 'vscode';
import { META_SIZE } from '../../engine/constants';
import { MEMORY_MAP_VIEW_TYPE } from '../../protocol/memoryMapHtml';
import { COMMANDS } from '../contributions';
import { MemoryMapPanel } from '../memoryMapPanel';
import type { ReportSite } from '../../protocol/runReportSchema';
import type { RunStore } from '../model/runState';
import type { LivePriority } from '../model/livePacing';
import type { RunTrees } from './extensionServices';
import type { SourceSites } from './sourceSites';

export function createMemoryMap(
  context: vscode.ExtensionContext,
  store: RunStore,
  log: vscode.OutputChannel,
  trees: RunTrees,
  sites: SourceSites,
  priority: LivePriority,
): MemoryMapPanel {
  const revealBlockInTree = async (address: number) => {
    const run = store.current;
    if (!run) return;
    const meta = address - META_SIZE;
    const heap = run.replay.heap;
    const family = heap.blockFamily(meta);
    if (!family) return;
    const page = heap.kernel.pageOf(meta);
    const node = trees.pageFamilies.find(`block/${meta}`, [`family/${family.name}`, `page/${page}`]);
    if (node && trees.pageFamilies.view?.visible) {
      await trees.pageFamilies.view.reveal(node, { select: true, focus: false, expand: true });
    }
  };
  const memoryMap = new MemoryMapPanel(
    context.extensionUri,
    store,
    log,
    {
      blockSelected: (address, site) => {
        void revealBlockInTree(address);
        if (site) void sites.open(site, true);
      },
      stepChanged: (site) => void sites.highlight(site),
      openSource: (site) => void sites.open(site),
      // The same command as the Leaks view's Suppress: one way to write an entry, one message.
      suppressFinding: (args) => void vscode.commands.executeCommand(COMMANDS.suppressFinding, args),
    },
    priority,
  );
  context.subscriptions.push(
    memoryMap,
    vscode.window.registerWebviewPanelSerializer(MEMORY_MAP_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => memoryMap.restore(panel),
    }),
    vscode.commands.registerCommand(COMMANDS.showMemoryMap, () => memoryMap.show()),
    vscode.commands.registerCommand(COMMANDS.revealNode, async (site?: ReportSite, address?: number) => {
      if (site) await sites.open(site, true);
      const run = store.current;
      if (run && address !== undefined) memoryMap.revealBlock(run, address);
    }),
  );
  return memoryMap;
}
