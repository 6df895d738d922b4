/**
 * How often the Memory Map is sent a live run's operations. In VS Code for the browser the map
 * runs on the window's main thread, the editor's: each post it takes costs that thread a replay
 * and a redraw, and a key pressed meanwhile waits for them; and each post's bytes cross the
 * extension host, code-server's server and the window's network thread, on the same two cores. So
 * while a run goes on the map gets at most two operation posts a second (a few thousand
 * operations each, `LIVE_OPS_PER_UPDATE` in memoryMapFeed.ts), and while the person types or moves
 * the cursor in an editor, one every two seconds: the map stays behind the run (it says which step it shows) and
 * catches up when the typing stops or the run ends, where every operation reaches it.
 * Free of vscode (unit tested).
 */

/** Least time between two operation posts while a run goes on. */
export const LIVE_OPS_INTERVAL_MS = 500;
/** Least time between two operation posts while the person is typing in an editor. */
export const TYPING_OPS_INTERVAL_MS = 2000;
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

/** The least time between two operation posts to the map now (0: no limit, the run is over). */
export function liveOpsIntervalMs(running: boolean, activity: EditorActivity): number {
  if (!running) return 0;
  return activity.typing ? TYPING_OPS_INTERVAL_MS : LIVE_OPS_INTERVAL_MS;
}
