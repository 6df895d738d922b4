/**
 * A name that is no field of a struct, read or assigned through a view (`a.nxet = b`, `a.nope`):
 * in C a compile error, here a TypeError naming the struct and the name, thrown at the harness's
 * line. Without it a typo'd field became a JavaScript property of the view, the C program's field
 * was never set, and the run reported what followed (a leak, a crash) instead of the typo.
 *
 * Only names that JavaScript itself reads on any object are answered as a plain object answers
 * them, so that the language's machinery keeps working on views: symbols (iteration, `${v}`,
 * `instanceof`, inspection) and `then` (`await v`, or a view returned from async code, is a plain
 * value, not a thenable). Names of `Object.prototype` (`toString`, `constructor`, `__proto__` …)
 * are found before the check is reached.
 */

/** Names read as undefined without an error (see above). */
const PROBED_NAMES: ReadonlySet<string> = new Set(['then']);

/** Whether reading `key` (no field, no name of `Object.prototype`) is JavaScript's probing, answered as undefined. */
export function probedByJavaScript(key: string | symbol): boolean {
  return typeof key === 'symbol' || PROBED_NAMES.has(key);
}

/** How many of the struct's fields the error lists. */
const MAX_LISTED = 12;

/** The error for a name `struct` does not have; `fields` lists what it does have. */
export function noSuchField(struct: string, key: string | symbol, fields: readonly string[]): TypeError {
  const shown = fields.length > MAX_LISTED ? [...fields.slice(0, MAX_LISTED), '…'] : fields;
  const has = fields.length > 0 ? `its fields: ${shown.join(', ')}` : 'it has no fields';
  return new TypeError(`${struct} has no field '${String(key)}' (${has})`);
}

/** The error for a name an array field's view does not have (`s.values.lenght`, `s.values.map`). */
export function noSuchArrayName(array: string, length: number, key: string): TypeError {
  const last = length > 0 ? `v[0] … v[${length - 1}], ` : '';
  return new TypeError(
    `${array} (an array of ${length}) has no '${key}': it has ${last}length and iteration ([...v] makes a JavaScript array)`,
  );
}
