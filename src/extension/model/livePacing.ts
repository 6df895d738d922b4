/**
 * The person before the run. How often the Memory Map is sent a live run's operations, and how
 * much of the extension host's time the run's pipeline takes (runPipeline.ts). In VS Code for the browser the map
 * runs on the window's main thread, the editor's: each post it takes costs that thread a replay
 * and a redraw, and a key pressed meanwhile waits for them; and each post's bytes cross the
 * extension host, code-server's server and the window's network thread, on the same two cores. So
 * while a run goes on the map gets at most two operation posts a second (a few thousand
 * operations each, `LIVE_OPS_PER_UPDATE` in memoryMapFeed.ts), and while the person types or moves
 * the cursor in an editor, one every five seconds, and the map is told the person types so that it does not
 * redraw meanwhile (TypingNotices; every five seconds at most): the map stays behind the run (it says which step it
 * shows) and catches up when the typing stops or the run ends, where every operation reaches it. The
 * pipeline works a quarter of the host's time instead of half while the person types (the harness
 * waits for it meanwhile, so both leave the cores to the window), and while a Check Leaks Now is on
 * its way it rests not at all (the harness reaches the check and the host takes it in sooner); once
 * the check's Leaks-view redraw is fired it waits until VS Code has fetched the view's rows.
 * Free of vscode (unit tested).
 */
import type { HostToWebviewMessage } from '../../protocol/webviewMessages';
import type { PipelinePace } from './runPipeline';

/** Least time between two operation posts while a run goes on. */
export const LIVE_OPS_INTERVAL_MS = 500;
/**
 * Least time between two operation posts while the person is typing in an editor: the map does not
 * redraw meanwhile (TypingNotices), so a post would only cost the window's thread its bytes and replay.
 */
export const TYPING_OPS_INTERVAL_MS = 5000;
/** An editor change or cursor move this recent counts as typing. */
export const TYPING_QUIET_MS = 1000;

/** When the person last changed a document or moved the cursor in an editor. */
export class EditorActivity {
  private lastAt = -Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /** An edit or cursor move in an editor, now. */
  touched(): void {
    this.lastAt = this.now();
  }

  /** True when the last edit or cursor move was less than `TYPING_QUIET_MS` ago. */
  get typing(): boolean {
    return this.now() - this.lastAt < TYPING_QUIET_MS;
  }
}

/** Least time between two `personTyping` messages to the map (each holds its live redraws for TYPING_QUIET_MS). */
export const TYPING_TELL_EVERY_MS = 250;

/**
 * What tells the Memory Map that the person types, so that it holds its live redraws back (a
 * redraw is one task of tens of ms on the thread the editor shares). Only while a run goes on (or
 * the map takes in its end), at most every TYPING_TELL_EVERY_MS, each notice for TYPING_QUIET_MS: the map's hold ends when the
 * typing does, whatever becomes of the host.
 */
export class TypingNotices {
  private toldAt = -Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The message to post for an edit or cursor move now (undefined: none is due); `live`: a run goes
   * on, or the map still has its end to take in.
   */
  next(live: boolean): HostToWebviewMessage | undefined {
    if (!live) return undefined;
    const now = this.now();
    if (now - this.toldAt < TYPING_TELL_EVERY_MS) return undefined;
    this.toldAt = now;
    return { type: 'personTyping', forMs: TYPING_QUIET_MS };
  }
}

/**
 * The least time between two operation posts to the map now (0: no limit, the run is over);
 * `checkOnItsWay`: a Check Leaks Now the person waits for holds the map back as typing does.
 */
export function liveOpsIntervalMs(running: boolean, activity: EditorActivity, checkOnItsWay = false): number {
  if (!running) return 0;
  return activity.typing || checkOnItsWay ? TYPING_OPS_INTERVAL_MS : LIVE_OPS_INTERVAL_MS;
}

/** The run pipeline's pace while nobody types: it works at most half of the host's time. */
export const RUN_PACE: PipelinePace = { sliceMs: 20, restMs: 20 };
/** While the person types: at most a quarter, in short slices (a key waits at most one slice). */
export const TYPING_PACE: PipelinePace = { sliceMs: 10, restMs: 30 };
/** While a Check Leaks Now is on its way: slices as short as usual, and no rests. */
export const CHECK_PACE: PipelinePace = { sliceMs: 20, restMs: 0 };
/**
 * How long a check asked for keeps the pipeline from resting at most: a harness that makes no more
 * heap calls never answers it, and its run goes back to its pace.
 */
export const CHECK_RUSH_MS = 2000;
/** How long the pipeline waits at most, once the check's redraw is fired, for VS Code to fetch the rows. */
export const VIEW_FETCH_HOLD_MS = 300;
/**
 * From Check Leaks Now until this long after VS Code fetched the Leaks view's rows (the window then
 * draws them), at most CHECK_RUSH_MS, the window's other live work waits: the other trees keep their
 * rows (their headers name those rows' step: see ShownRowsStep; a header still for
 * HELD_ROWS_MAX_MS lets its rows through) and the Memory Map is sent
 * operations as while typing.
 */
export const CHECK_DRAW_MS = 300;

/**
 * Who goes first on the extension host while a run goes on: the person typing, a leak check the
 * person asked for, VS Code fetching its rows. The run's pipeline asks it for its pace and its holds.
 */
export class LivePriority {
  private rushUntil = -Infinity;
  private holdUntil = -Infinity;
  private onItsWayUntil = -Infinity;
  /** Called when a hold ends early (the rows were fetched): the pipeline goes on at once. */
  onRelease: (() => void) | undefined;

  constructor(
    readonly activity: EditorActivity,
    private readonly now: () => number = Date.now,
  ) {}

  /** Check Leaks Now was asked for: no rests until it is taken in (at most CHECK_RUSH_MS). */
  checkAsked(): void {
    this.rushUntil = this.onItsWayUntil = this.now() + CHECK_RUSH_MS;
  }

  /** True from Check Leaks Now until its rows are drawn: the window's other live work waits meanwhile. */
  get checkOnItsWay(): boolean {
    return this.now() < this.onItsWayUntil;
  }

  /** The check is taken in: the run goes back to its pace. */
  checkTakenIn(): void {
    this.rushUntil = -Infinity;
  }

  /** The check's view redraw was fired: the pipeline waits for VS Code's fetch (at most VIEW_FETCH_HOLD_MS). */
  redrawFired(): void {
    this.holdUntil = this.now() + VIEW_FETCH_HOLD_MS;
  }

  /** VS Code fetched the redrawn view's rows: the hold ends now. */
  rowsFetched(): void {
    if (this.holdUntil === -Infinity) return;
    this.onItsWayUntil = Math.min(this.onItsWayUntil, this.now() + CHECK_DRAW_MS);
    const held = this.holdUntil > this.now();
    this.holdUntil = -Infinity;
    if (held) this.onRelease?.();
  }

  /** How long the pipeline's next slice waits now (0: it starts at once). */
  holdMs(): number {
    return Math.max(0, this.holdUntil - this.now());
  }

  /** The pipeline's pace now: a pending check first, then the person's typing, else the run's pace. */
  pace(): PipelinePace {
    if (this.now() < this.rushUntil) return CHECK_PACE;
    return this.activity.typing ? TYPING_PACE : RUN_PACE;
  }
}
