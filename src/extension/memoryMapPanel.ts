/**
 * The Memory Map webview panel, host side: creates it with the strict-CSP page from
 * `src/protocol/memoryMapHtml.ts`, feeds it the current run (backlog, then live increments) and
 * validates every message it sends back before acting on it.
 */
import * as vscode from 'vscode';
import { MEMORY_MAP_FILES, MEMORY_MAP_TITLE, MEMORY_MAP_VIEW_TYPE, makeNonce, memoryMapHtml } from '../protocol/memoryMapHtml';
import {
  parseWebviewToHost,
  type HostToWebviewMessage,
  type SourceSite,
  type WebviewToHostMessage,
} from '../protocol/webviewMessages';
import type { SuppressFindingArgs } from '../protocol/lspMessages';
import { findingToSuppress } from './model/findingSuppression';
import { isSiteOfRun } from './model/runSites';
import { MemoryMapFeed, memoryMapTitle, runIdOf } from './model/memoryMapFeed';
import { WebviewOutbox } from './model/webviewOutbox';
import { liveOpsIntervalMs, TypingNotices, type LivePriority } from './model/livePacing';
import type { RunState, RunStore } from './model/runState';
import { lmmSetting } from './settings';

export interface MemoryMapHandlers {
  /** A block was selected in the map: reveal it in the Page Families tree. */
  blockSelected(address: number, site: SourceSite | undefined): void;
  /** The timeline moved: highlight the step's harness line. */
  stepChanged(site: SourceSite | undefined): void;
  /** A link in the map (chart legend, call tree, leak row) asks to open a source line of the run. */
  openSource(site: SourceSite): void;
  /** Suppress on a leak or error row: write the entry that silences it (what the Leaks view's Suppress does). */
  suppressFinding(args: SuppressFindingArgs): void;
}

/**
 * Least time between two changes of the tab's title while a run goes on: each change lays out the
 * window's tab bar again, on the thread the editor's keys wait for.
 */
const TITLE_EVERY_MS = 5000;
/** Webview errors kept for the test API (the log has them all). */
const MAX_ERRORS_KEPT = 20;

export class MemoryMapPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly feed = new MemoryMapFeed();
  private ready = false;
  /** When the tab's title was last changed (Date.now()). */
  private titleSetAt = 0;
  private pendingReveal: number | undefined;
  /** What goes to the webview, paced so a fast run does not flood the window (see webviewOutbox.ts). */
  private readonly outbox = new WebviewOutbox({
    send: (message) => this.panel?.webview.postMessage(message) ?? Promise.resolve(false),
    visible: () => this.panel?.visible === true,
    // The window took everything queued: what the run did meanwhile goes out now.
    onEmpty: () => this.update(),
    // While a run goes on, at most two operation posts a second (a few thousand operations each),
    // one every five seconds while the person types (livePacing.ts): the map may fall behind a tight
    // loop (it then starts over at the run's window) and catches up at the run's end, and the
    // window's thread, which the editor shares, stays free for the keys.
    opsIntervalMs: () =>
      liveOpsIntervalMs(this.store.current?.status === 'running', this.priority.activity, this.priority.checkOnItsWay),
  });
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Messages received (for the output channel and tests). */
  received = 0;
  /** The first errors the webview reported (for tests: a map that failed says so in the log). */
  readonly errors: string[] = [];

  /** Messages posted to the webview (consecutive operation batches joined count once). */
  get posted(): number {
    return this.outbox.posted;
  }

  /** Messages waiting to be posted (while the panel is hidden, or the window has not taken the last ones). */
  get waiting(): number {
    return this.outbox.waiting;
  }

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly log: vscode.OutputChannel,
    private readonly handlers: MemoryMapHandlers,
    /** Edits and cursor moves in the editors, and a leak check on its way: meanwhile the map is sent less. */
    private readonly priority: LivePriority,
  ) {
    // Only what the person does in an editor: an output channel's appends (the harness's prints)
    // change documents too, and must not hold the map back.
    const inEditor = (document: vscode.TextDocument) =>
      document.uri.scheme !== 'output' && vscode.window.visibleTextEditors.some((editor) => editor.document === document);
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && inEditor(event.document)) this.personActive();
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.kind !== undefined && inEditor(event.textEditor.document)) this.personActive();
      }),
    );
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  /** When to tell the map the person types (livePacing.ts). */
  private readonly typingNotices = new TypingNotices();

  /**
   * An edit or cursor move in an editor: the run's pipeline and posts slow down (livePacing.ts),
   * and while a run goes on or the map catches up with its end, the map is told, so that it holds its live redraws back meanwhile.
   * Told past the outbox, which may hold operations back for seconds.
   */
  private personActive(): void {
    this.priority.activity.touched();
    if (!this.panel || !this.ready) return;
    // Also once the run ended, while the map still takes in what the live pace held back.
    const notice = this.typingNotices.next(this.store.current?.status === 'running' || this.outbox.waiting > 0);
    if (notice) void this.panel.webview.postMessage(notice);
  }

  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      MEMORY_MAP_VIEW_TYPE,
      MEMORY_MAP_TITLE,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      this.webviewOptions(),
    );
    this.attach(panel);
  }

  /** Takes over a panel VS Code restored after a reload. */
  restore(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // The timeline (time travel position, zoom) would be lost each time the tab is hidden.
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, MEMORY_MAP_FILES.root)],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.feed.reset();
    this.outbox.clear();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icons', 'lmm-activity.svg');
    const webview = panel.webview;
    const uri = (path: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, path)).toString();
    webview.html = memoryMapHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: uri(MEMORY_MAP_FILES.script),
      styleUri: uri(MEMORY_MAP_FILES.style),
      codiconsUri: uri(MEMORY_MAP_FILES.codicons),
    });
    webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    // Shown again: what was held while it was hidden goes out.
    panel.onDidChangeViewState(() => this.outbox.pump());
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
        this.outbox.clear();
      }
    });
  }

  private receive(raw: unknown): void {
    this.received++;
    const parsed = parseWebviewToHost(raw);
    if (!parsed.ok) {
      this.log.appendLine(`Memory Map: ignored an invalid message: ${parsed.error}`);
      return;
    }
    const message: WebviewToHostMessage = parsed.message;
    const run = this.store.current;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // The webview starts over (a reload): the feed sends it everything again.
        this.feed.reset();
        this.outbox.clear();
        this.post({ type: 'settings', structColors: structColorsFor(run) });
        this.update();
        if (this.pendingReveal !== undefined && run)
          this.post({ type: 'revealBlock', runId: runIdOf(run), address: this.pendingReveal });
        this.pendingReveal = undefined;
        break;
      case 'blockSelected':
        if (run && message.runId === runIdOf(run))
          this.handlers.blockSelected(message.address, message.site ?? siteOf(run, message.siteId));
        break;
      case 'stepChanged':
        if (run && message.runId === runIdOf(run)) this.handlers.stepChanged(message.site ?? siteOf(run, message.siteId));
        break;
      case 'openSource':
        // Only lines the run itself recorded: the webview cannot make the host open any other file.
        if (run && message.runId === runIdOf(run) && isSiteOfRun(run, message.site)) this.handlers.openSource(message.site);
        else
          this.log.appendLine(`Memory Map: ignored a link to ${message.site.file}:${message.site.line}, not a site of this run`);
        break;
      case 'suppressFinding': {
        const found =
          run && message.runId === runIdOf(run)
            ? findingToSuppress(run, message.finding, message.index)
            : { ok: false as const, reason: 'not the current run' };
        if (found.ok) this.handlers.suppressFinding(found.args);
        else this.log.appendLine(`Memory Map: ignored Suppress on ${message.finding} ${message.index}: ${found.reason}`);
        break;
      }
      case 'resyncRequest':
        for (const m of this.feed.resync(run, message.runId, message.fromStep)) this.post(m);
        break;
      case 'webviewError':
        this.log.appendLine(`Memory Map: ${message.message}`);
        if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(message.message);
        break;
    }
  }

  /**
   * Posts what changed in the current run (called on every run change). While earlier messages
   * still wait for the window, nothing more is taken from the feed: it is asked again once they
   * have left, so a fast run's batches wait in the feed's own window, not in a queue here.
   */
  update(): void {
    if (!this.panel || !this.ready) return;
    // Past lmm.eventsKept the title counts the run's operations: during a fast run it is set at most
    // every five seconds (the map's header says which step it shows meanwhile), and always once the run ends.
    const run = this.store.current;
    const title = memoryMapTitle(MEMORY_MAP_TITLE, run);
    const now = Date.now();
    if (this.panel.title !== title && (run?.status !== 'running' || now - this.titleSetAt >= TITLE_EVERY_MS)) {
      this.panel.title = title;
      this.titleSetAt = now;
    }
    if (this.outbox.waiting > 0) return;
    for (const message of this.feed.update(this.store.current)) this.post(message);
  }

  settingsChanged(): void {
    if (this.panel && this.ready) this.post({ type: 'settings', structColors: structColorsFor(this.store.current) });
  }

  revealBlock(run: RunState, address: number): void {
    if (this.store.current !== run) return;
    this.show(true);
    // A panel that is still loading gets it right after its backlog.
    if (this.ready) this.post({ type: 'revealBlock', runId: runIdOf(run), address });
    else this.pendingReveal = address;
  }

  private post(message: HostToWebviewMessage): void {
    this.outbox.post(message);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel?.dispose();
  }
}

function siteOf(run: RunState, siteId: number): SourceSite | undefined {
  return siteId >= 0 ? run.sites[siteId] : undefined;
}

/** `lmm.structColors` for the current run's file (a folder of a multi-root workspace may set its own). */
function structColorsFor(run: RunState | undefined): Record<string, string> {
  return lmmSetting('structColors', run ? vscode.Uri.file(run.file) : undefined);
}
