/**
 * One clock for a live run's small redraws in VS Code's window: the status bar, the trees' headers
 * and their rows. Each such change costs the window a frame (style, layout, paint and commit, on
 * the thread the editor types on). On timers of their own, started whenever each last changed, the
 * status bar's and the four trees' changes reached the window at different moments, a dozen frames
 * a second, and a key pressed during one of them waited for it. On shared ticks they arrive
 * together and share a frame: a few frames a second.
 * Free of vscode (unit tested).
 */

/** The ticks' period: the status bar changes at most this often during a run, and at least this often while its step moves. */
export const LIVE_TICK_MS = 300;

/**
 * A wait asked of the ticks that ends this close after a tick is served by that tick: a redraw due
 * "two ticks after the last" is timed from a moment a little after that tick (the time the work took).
 */
export const LIVE_TICK_SLACK_MS = 30;

export interface TickTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class LiveTicks {
  /** Callbacks by the tick (a multiple of the period, by `now`) they wait for. */
  private readonly due = new Map<number, Set<() => void>>();
  private timer: unknown;
  private timerFor = Infinity;

  /** `now`: the clock the ticks are multiples of the period by (the extension's is performance.now()). */
  constructor(
    private readonly timers: TickTimers,
    private readonly now: () => number,
    readonly periodMs = LIVE_TICK_MS,
  ) {}

  /** The tick that serves a wait of `delayMs` from now: the first at or after it (less the slack), never now. */
  tickAfter(delayMs: number): number {
    const now = this.now();
    const wanted = Math.max(now + Math.max(0, delayMs) - LIVE_TICK_SLACK_MS, now + 1);
    return Math.ceil(wanted / this.periodMs) * this.periodMs;
  }

  /** Calls `callback` on the tick that serves a wait of `delayMs`; returns what cancels it. */
  after(delayMs: number, callback: () => void): () => void {
    const tick = this.tickAfter(delayMs);
    let callbacks = this.due.get(tick);
    if (!callbacks) this.due.set(tick, (callbacks = new Set()));
    callbacks.add(callback);
    this.arm();
    return () => {
      const waiting = this.due.get(tick);
      if (!waiting?.delete(callback) || waiting.size > 0) return;
      this.due.delete(tick);
      this.arm();
    };
  }

  /** Ticks with callbacks waiting (for tests). */
  get pending(): number {
    return this.due.size;
  }

  private arm(): void {
    const next = this.due.size === 0 ? Infinity : Math.min(...this.due.keys());
    if (next === this.timerFor) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerFor = next;
    if (next === Infinity) return;
    this.timer = this.timers.setTimeout(() => this.fire(), Math.max(0, next - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerFor = Infinity;
    // A timer may fire a little before its tick by this clock: the tick it was armed for is served.
    const now = this.now() + 2;
    const ready: (() => void)[] = [];
    for (const [tick, callbacks] of this.due) {
      if (tick > now) continue;
      this.due.delete(tick);
      ready.push(...callbacks);
    }
    // Callbacks that ask for a tick meanwhile are given a later one (tickAfter is never now).
    for (const callback of ready) callback();
    this.arm();
  }
}
