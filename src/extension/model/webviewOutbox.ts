/**
 * The Memory Map's messages on their way to the webview, paced. A tight loop records a million
 * operations in a few seconds, 30–40 MB of batches: posted as they come, they queue in the
 * channel between the extension host and the window, and everything else the host tells the
 * window (the status bar, the trees) waits behind them for seconds. So at most `maxInFlight`
 * posts are on their way at once (a post settles once the window has taken it), consecutive
 * `heapOps` batches leave joined (fewer messages, up to `maxOpsPerPost` operations: a few hundred
 * kilobytes, which the window takes in one short task), and nothing leaves while the panel is
 * hidden: the queue goes out, in order, once it is shown.
 * Free of vscode (unit tested).
 */
import { cancelTimer, startTimer } from '../../engine/hostGlobals';
import type { HostToWebviewMessage } from '../../protocol/webviewMessages';
import { concatBatches } from './runPipeline';

export interface WebviewOutboxOptions {
  /** Posts one message; settles once the window has taken it (VS Code's `webview.postMessage`). */
  send(message: HostToWebviewMessage): PromiseLike<unknown>;
  /** Whether the panel is shown now. */
  visible(): boolean;
  /**
   * Called when the last queued message has left: the caller queues more then, so messages wait in
   * the caller's own bounded state (the feed's window) rather than pile up here.
   */
  onEmpty?: () => void;
  maxInFlight?: number;
  maxOpsPerPost?: number;
  /** A post not settled after this long counts as taken (a window that never answers must not stop the map). */
  settleTimeoutMs?: number;
  /**
   * Least time between two operation posts now (0: none). While a run goes on, the window takes
   * the map's batches on the same thread as the editor: taken as fast as it can, a tight loop's
   * batches kept that thread busy and keys, the status bar and the Leaks view waited behind them.
   */
  opsIntervalMs?: () => number;
}

type HeapOpsMessage = Extract<HostToWebviewMessage, { type: 'heapOps' }>;

export class WebviewOutbox {
  private queue: HostToWebviewMessage[] = [];
  private head = 0;
  private inFlight = 0;
  /** Messages posted (joined batches count once). */
  posted = 0;
  private readonly maxInFlight: number;
  private readonly maxOpsPerPost: number;
  private readonly settleTimeoutMs: number;
  /** When the last operation batch was posted, and the timer that resumes posting after the interval. */
  private lastOpsAt = -Infinity;
  private intervalTimer: ReturnType<typeof startTimer> | undefined;

  constructor(private readonly options: WebviewOutboxOptions) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxOpsPerPost = options.maxOpsPerPost ?? 8_192;
    this.settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
  }

  /** Messages waiting to leave. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Queues `message` after the others; a new run's start drops what was still queued for older runs. */
  post(message: HostToWebviewMessage): void {
    if (message.type === 'runStarted') {
      this.queue = this.queue.slice(this.head).filter((m) => !('runId' in m) || m.runId === message.runId);
      this.head = 0;
    }
    this.queue.push(message);
    this.pump();
  }

  /** Sends what may go now (call when the panel is shown again). */
  pump(): void {
    while (this.inFlight < this.maxInFlight && this.head < this.queue.length && this.options.visible()) {
      if (this.queue[this.head]!.type === 'heapOps' && this.waitForInterval()) break;
      const message = this.next();
      if (message.type === 'heapOps') this.lastOpsAt = Date.now();
      this.inFlight++;
      this.posted++;
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        cancelTimer(timer);
        this.inFlight--;
        this.pump();
        if (this.waiting === 0) this.options.onEmpty?.();
      };
      const timer = startTimer(done, this.settleTimeoutMs);
      try {
        this.options.send(message).then(done, done);
      } catch {
        done();
      }
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
  }

  /** True when the next operation post must wait for the interval (a timer then pumps again). */
  private waitForInterval(): boolean {
    const interval = this.options.opsIntervalMs?.() ?? 0;
    const wait = this.lastOpsAt + interval - Date.now();
    if (interval <= 0 || wait <= 0) return false;
    if (this.intervalTimer === undefined) {
      this.intervalTimer = startTimer(() => {
        this.intervalTimer = undefined;
        this.pump();
        if (this.waiting === 0) this.options.onEmpty?.();
      }, wait);
    }
    return true;
  }

  /** Drops everything queued (the webview reloaded, or closed): the feed starts over. */
  clear(): void {
    this.queue = [];
    this.head = 0;
  }

  /** The next message to post: a `heapOps` joined with the consecutive ones after it, up to the cap. */
  private next(): HostToWebviewMessage {
    const first = this.queue[this.head++]!;
    if (first.type !== 'heapOps') return first;
    const joined: HeapOpsMessage[] = [first];
    let ops = first.batch.count;
    while (this.head < this.queue.length) {
      const candidate = this.queue[this.head]!;
      if (candidate.type !== 'heapOps' || candidate.runId !== first.runId) break;
      const previousMessage = joined[joined.length - 1]!;
      // The host snapshotted after that batch: the webview's window may begin there, so a joined
      // post must end with it (its flag says so of the joined post's last step).
      if (previousMessage.snapshotAfter) break;
      const previous = previousMessage.batch;
      if (candidate.batch.firstStep !== previous.firstStep + previous.count) break;
      if (ops + candidate.batch.count > this.maxOpsPerPost) break;
      joined.push(candidate);
      ops += candidate.batch.count;
      this.head++;
    }
    if (joined.length === 1) return first;
    const message: HeapOpsMessage = { type: 'heapOps', runId: first.runId, batch: concatBatches(joined.map((m) => m.batch)) };
    const lastJoined = joined[joined.length - 1]!;
    if (lastJoined.snapshotAfter) message.snapshotAfter = true;
    // Where the host's window begins, as the newest of the joined batches said.
    for (const part of joined) if (part.windowStart !== undefined) message.windowStart = part.windowStart;
    return message;
  }
}
