/**
 * LMM Studio's settings (package.json `contributes.configuration`) as one typed record, with
 * their defaults spelled once (a unit test checks them against package.json). No vscode import:
 * `src/extension/settings.ts` reads the values for a resource and hands them here.
 */
import { DEFAULT_PAGE_SIZE } from '../../engine/constants';

export interface LmmSettings {
  /** Seconds a harness may run. */
  timeLimit: number;
  /** Simulated VM page size in bytes for harness runs and the static checks. */
  pageSize: number;
  /** Megabytes a harness run may use in its own process (a child of the extension host), all kinds of memory together. */
  memoryLimit: number;
  /** Run a harness again each time it is saved. */
  runOnSave: boolean;
  /** Heap operations kept per run for the Memory Map's timeline. */
  eventsKept: number;
  /** Struct name → `#rgb` / `#rrggbb` colour in the Memory Map. */
  structColors: Record<string, string>;
  /** The allocator policy traces are replayed under (and harness runs replayed beside). */
  policy: string;
  /** A suppressions file for leak reports. */
  suppressions: string;
}

export type LmmSettingName = keyof LmmSettings;

export const SETTING_DEFAULTS: Readonly<LmmSettings> = Object.freeze({
  timeLimit: 10,
  pageSize: DEFAULT_PAGE_SIZE,
  memoryLimit: 2048,
  runOnSave: false,
  eventsKept: 1_000_000,
  structColors: {},
  policy: 'lmm-classic',
  suppressions: '',
});

const COLOUR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** The range package.json declares for each numeric setting (a unit test checks them against it). */
export const NUMBER_BOUNDS: Readonly<
  Record<
    'timeLimit' | 'pageSize' | 'memoryLimit' | 'eventsKept',
    { minimum: number; maximum: number; integer: boolean; multipleOf?: number }
  >
> = Object.freeze({
  timeLimit: { minimum: 0.1, maximum: 3600, integer: false },
  pageSize: { minimum: 128, maximum: 262144, integer: true, multipleOf: 8 },
  memoryLimit: { minimum: 64, maximum: 1048576, integer: true },
  eventsKept: { minimum: 1000, maximum: 20_000_000, integer: true },
});

/**
 * One setting's value from `read` (the configuration for some resource), or its default when the
 * value has another type: a hand-edited settings.json is not checked against the schema, and a
 * string page size must not reach the engine. Struct colours keep only well-formed entries.
 */
export function settingFrom<K extends LmmSettingName>(name: K, value: unknown): LmmSettings[K] {
  const fallback = SETTING_DEFAULTS[name];
  if (name === 'structColors') {
    const colours: Record<string, string> = {};
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [struct, colour] of Object.entries(value)) {
        if (typeof colour === 'string' && COLOUR.test(colour)) colours[struct] = colour;
      }
    }
    return colours as LmmSettings[K];
  }
  if (value === undefined || settingProblem(name, value) !== undefined) return fallback;
  return value as LmmSettings[K];
}

/**
 * Why a value set for `lmm.<name>` is not used (its default is), or undefined when it is (or
 * nothing is set). VS Code does not hold a hand-edited settings.json to the schema: a time limit
 * of 0, a page size of 100 or a memory limit of 1 would make every run refuse to start (or the
 * engine throw), and a string page size must not reach the engine.
 */
export function settingProblem(name: LmmSettingName, value: unknown): string | undefined {
  if (value === undefined || name === 'structColors') return undefined;
  const fallback = SETTING_DEFAULTS[name];
  if (typeof value !== typeof fallback) {
    const shown = JSON.stringify(value) ?? String(value);
    return `${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown} is not a ${typeof fallback}`;
  }
  if (typeof value !== 'number') return undefined;
  if (!Number.isFinite(value)) return `${value} is not a finite number`;
  const bounds = (NUMBER_BOUNDS as Partial<Record<LmmSettingName, (typeof NUMBER_BOUNDS)['pageSize']>>)[name];
  if (bounds === undefined) return undefined;
  if (value < bounds.minimum || value > bounds.maximum) return `${value} is outside ${bounds.minimum} to ${bounds.maximum}`;
  if (bounds.integer && !Number.isInteger(value)) return `${value} is not a whole number`;
  if (bounds.multipleOf !== undefined && value % bounds.multipleOf !== 0)
    return `${value} is not a multiple of ${bounds.multipleOf}`;
  return undefined;
}
