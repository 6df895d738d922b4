/**
 * Stack traces in the harness worker show the harness's frames only. Errors the runtime throws
 * into a harness (a bad XCALLOC, a wrong field value) were made in the runtime's own functions:
 * V8's stack text of them named the worker bundle's path on the host, Node's internal modules and
 * the runtime's function names. The harness can read `error.stack`, so that text is formatted
 * here, from V8's call sites, as one `at lmm-harness.js:LINE:COLUMN` line per frame of the harness
 * script (no function names: a harness could name a function so that its name reads as another
 * position, and the runtime takes memory errors' positions from these lines).
 *
 * For maintainers (`LMM_DEBUG`), every frame of an error, the runtime's and the worker's too, is
 * kept aside when its stack is formatted (`fullStacks`), never in the text the harness can read.
 */

type CallSite = { getScriptNameOrSourceURL(): string | null; getLineNumber(): number | null; getColumnNumber(): number | null };

/** Every frame of the errors formatted since `showOnlyHarnessFrames(…, true)`, by error. */
const fullStacks = new WeakMap<object, string>();

/** Every frame of `error`'s stack (the runtime's and the worker's too), when full stacks are kept. */
export function fullStackOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    void (error as { stack?: unknown }).stack; // V8 formats a stack when it is first read
  } catch {
    // a Proxy, or a getter of the harness's: nothing to add
  }
  return fullStacks.get(error);
}

export function showOnlyHarnessFrames(scriptName: string, keepFullStacks = false): void {
  (Error as unknown as { prepareStackTrace: (error: unknown, frames: CallSite[]) => string }).prepareStackTrace = (
    error,
    frames,
  ) => {
    const first = headline(error);
    let text = first;
    for (const frame of frames) {
      if (frame.getScriptNameOrSourceURL() !== scriptName) continue;
      text += `\n    at ${scriptName}:${frame.getLineNumber() ?? 0}:${frame.getColumnNumber() ?? 0}`;
    }
    if (keepFullStacks && typeof error === 'object' && error !== null) fullStacks.set(error, first + allFrames(frames));
    return text;
  };
}

/** Every frame, as V8 writes it (`at function (file:line:column)`). */
function allFrames(frames: CallSite[]): string {
  let text = '';
  for (const frame of frames) {
    try {
      text += `\n    at ${String(frame)}`;
    } catch {
      text += '\n    at <a frame that cannot be shown>';
    }
  }
  return text;
}

/** `Name: message`, as V8 writes it; the error's getters are the harness's and may throw. */
function headline(error: unknown): string {
  try {
    const text: unknown = Object.prototype.toString.call(error) === '[object Error]' ? String(error) : 'Error';
    return typeof text === 'string' ? text : 'Error';
  } catch {
    return 'Error';
  }
}
