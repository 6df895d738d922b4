/**
 * The roots of a run are the C program's pointer variables: globals (declared once, re-pointed by
 * assignment), locals (alive while their scope is: `using` declarations drop them at its end), and
 * blocks registered with `mm_register_root`. Each holds a pointer as C does: the block it was
 * given, or any address (into a block's middle too). Freeing a block clears no variable; a
 * variable left holding a freed block's address dangles, and the leak check does not start from
 * it (LMM hands the address out again, and the new block there is not what the variable meant).
 */
import type { RootRecord, Site } from '../../analysis/analysisInput';
import { isView, viewAddress, viewAllocation, viewStruct, type StructView } from './structViews';

/** What the variables need from the runtime. */
export interface RootVariablesHost {
  /** The allocation whose block holds `address` now (its start or inside it), or -1. */
  allocationAt(address: number): number;
  isFreed(allocationId: number): boolean;
  /** What a variable holding a bare address reads back as (a view of the block there, or null). */
  viewAt(address: number): StructView | null;
  /** Where the harness is now (the API call's site). */
  site(): Site;
  siteLabel(site: Site): string;
}

type VariableKind = 'global' | 'local' | 'registered';

interface Variable {
  kind: VariableKind;
  name: string;
  site: Site;
  /** The view assigned, when a view was (it reads back as itself, stale or not, as a C pointer does). */
  view: StructView | null;
  address: number;
  /** The allocation the address points into when it was assigned (-1: none). */
  allocationId: number;
}

/** `Symbol.dispose`, and the registry symbol esbuild's lowering of `using` falls back to where it is missing. */
const DISPOSE_KEYS: symbol[] = [Symbol.for('Symbol.dispose')];
const realmDispose = (Symbol as unknown as { dispose?: symbol }).dispose;
if (typeof realmDispose === 'symbol' && realmDispose !== DISPOSE_KEYS[0]) DISPOSE_KEYS.push(realmDispose);

export class RootVariables {
  private readonly variables = new Set<Variable>();
  /** The handles given to the harness, with their variable's name: a handle passed where a block belongs is named in the error. */
  private readonly handleNames = new WeakMap<object, string>();
  private readonly globalNames = new Set<string>();
  /** Set by `exit()`: scopes unwinding after it no longer drop their locals (C's exit never returns). */
  frozen = false;

  constructor(private readonly host: RootVariablesHost) {}

  /** `global(name, initial)`: a variable for the whole run; a name is declared once. */
  declareGlobal(name: unknown, initial: unknown): object {
    if (typeof name !== 'string' || name === '') throw new TypeError('global(name): a global needs its name (a string)');
    checkName(name, 'global(name)');
    if (this.globalNames.has(name)) throw new TypeError(`global ${name} is declared twice (declare each global once)`);
    this.globalNames.add(name);
    const variable = this.add('global', name);
    this.assign(variable, initial, `global ${name}`);
    return this.handle(variable, false);
  }

  /** `local(initial, name)`: a variable while its scope lives (`using v = local(…)`). */
  declareLocal(initial: unknown, name: unknown): object {
    if (name !== undefined && typeof name !== 'string') throw new TypeError('local(initial, name): the name is a string');
    if (name !== undefined) checkName(name, 'local(initial, name)');
    const variable = this.add('local', name ?? '');
    this.assign(variable, initial, 'local');
    return this.handle(variable, true);
  }

  /** `mm_register_root(p)`: a root holding p until `mm_unregister_root(p)`; null registers nothing. */
  register(value: unknown): void {
    if (value === null || value === undefined) return;
    const variable = this.add('registered', isView(value) ? viewStruct(value).name : 'block');
    this.assign(variable, value, 'mm_register_root');
  }

  /** Drops the latest registered root holding p's address. */
  unregister(value: unknown): void {
    const address = addressOfValue(value, 'mm_unregister_root');
    let last: Variable | undefined;
    for (const variable of this.variables) if (variable.kind === 'registered' && variable.address === address) last = variable;
    if (last !== undefined) this.variables.delete(last);
  }

  /** The roots the leak check starts from: every variable holding an address, dangling ones left out. */
  roots(): RootRecord[] {
    const roots: RootRecord[] = [];
    for (const v of this.variables) {
      if (v.address === 0) continue;
      if (v.allocationId >= 0 && this.host.isFreed(v.allocationId)) continue;
      roots.push({ address: v.address, label: this.label(v), site: v.site });
    }
    return roots;
  }

  private label(v: Variable): string {
    const where = this.host.siteLabel(v.site);
    if (v.kind === 'global') return `global ${v.name}`;
    if (v.kind === 'local') return v.name === '' ? `local (${where})` : `local ${v.name} (${where})`;
    return `${v.name} root (${where})`;
  }

  private add(kind: VariableKind, name: string): Variable {
    const variable: Variable = { kind, name, site: this.host.site(), view: null, address: 0, allocationId: -1 };
    this.variables.add(variable);
    return variable;
  }

  private assign(variable: Variable, value: unknown, what: string): void {
    variable.view = isView(value) ? value : null;
    variable.address = addressOfValue(value, what);
    variable.allocationId = isView(value)
      ? viewAllocation(value)
      : variable.address === 0
        ? -1
        : this.host.allocationAt(variable.address);
  }

  /**
   * The object the harness holds: `value` and `address` read and re-point the variable. Built on
   * closures so that nothing of the runtime is reachable from it.
   */
  private handle(variable: Variable, local: boolean): object {
    const handle: Record<PropertyKey, unknown> = {};
    const what = variable.kind === 'global' ? `global ${variable.name}` : 'local';
    Object.defineProperty(handle, 'name', { value: variable.name, enumerable: true });
    Object.defineProperty(handle, 'value', {
      enumerable: true,
      get: () => (variable.view !== null ? variable.view : variable.address === 0 ? null : this.host.viewAt(variable.address)),
      set: (value: unknown) => {
        if (typeof value === 'number') throw new TypeError(`${what}: assign an address to .address, a block to .value`);
        this.assign(variable, value, what);
      },
    });
    Object.defineProperty(handle, 'address', {
      get: () => variable.address,
      set: (value: unknown) => {
        if (typeof value !== 'number') throw new TypeError(`${what}: .address takes a number (assign a block to .value)`);
        this.assign(variable, value, what);
      },
    });
    if (local) {
      const drop = (): void => {
        if (!this.frozen) this.variables.delete(variable);
      };
      for (const key of DISPOSE_KEYS) Object.defineProperty(handle, key, { value: drop });
    }
    this.handleNames.set(handle, variable.name === '' ? 'p' : variable.name);
    return Object.freeze(handle);
  }

  /** The name of the pointer variable `value` is the handle of, if it is one. */
  variableNameOf(value: unknown): string | undefined {
    return typeof value === 'object' && value !== null ? this.handleNames.get(value) : undefined;
  }
}

/** The address a variable holds for an assigned value: a view's, null → 0, or a whole non-negative number. */
function addressOfValue(value: unknown, what: string): number {
  if (value === null || value === undefined) return 0;
  if (isView(value)) return viewAddress(value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new TypeError(`${what}: a pointer holds a block (a view), null or an address, not ${typeof value}`);
}

/** The longest name a pointer variable may have (C's names are short; reports print it on each path). */
export const MAX_VARIABLE_NAME = 256;

/** Whether `text` has more than `max` characters (code points: an emoji is one, not its two UTF-16 units). */
function moreCharactersThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  if (text.length > 2 * max) return true;
  let count = 0;
  for (const _ of text) if (++count > max) return true;
  return false;
}

/**
 * A variable's name is printed in reports, one line each: a line break or an escape sequence in it
 * would print lines of its own (a fake `LEAK SUMMARY:`) or drive the terminal.
 */
function checkName(name: string, what: string): void {
  if (moreCharactersThan(name, MAX_VARIABLE_NAME))
    throw new RangeError(`${what}: a name has at most ${MAX_VARIABLE_NAME} characters`);
  if (/[\p{Cc}\u2028\u2029]/u.test(name)) throw new TypeError(`${what}: a name has no control characters or line breaks`);
}
