/**
 * Remembers the value last sent for each key, so that a value is sent only when it changes. A
 * live run sets LMM's context keys at each progress (four times a second) and each keystroke in an
 * editor sets `lmm.isHarnessFile`: each `setContext` is a message the window's main thread takes
 * in, the thread a key waits on, and VS Code does nothing with a value it already holds.
 * Free of vscode (unit tested).
 */
export class ChangedValues<K> {
  private readonly sent = new Map<K, unknown>();

  /** True (and remembered) when `value` differs from the value last sent for `key`, or none was. */
  changed(key: K, value: unknown): boolean {
    if (this.sent.has(key) && Object.is(this.sent.get(key), value)) return false;
    this.sent.set(key, value);
    return true;
  }
}
