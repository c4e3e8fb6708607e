/**
 * The config file's `store:` section: the user's caps of the log store (CONTRACT.md names none, so
 * these are an extension, documented in the README's config section):
 *
 * ```yaml
 * store:
 *   maxBytesPerProcess: 16777216   # bytes kept per process, oldest runs removed first (default 64 MiB)
 *   maxBytesTotal: 268435456       # bytes kept in all, evicting from the biggest process (default 1 GiB)
 * ```
 *
 * Sizes are whole numbers of bytes: nothing else in the config reads sizes, so there is no unit
 * syntax to share. A floor keeps a typo (`64` for 64 MiB) from turning every write into an eviction.
 */
import { DefinitionError, isRecord } from '../supervisor/definition-basics';

/** The caps given in the config; a missing one keeps the store's default. */
export interface StoreLimits {
  /** LogStoreOptions.maxBytesPerProcess. */
  maxBytesPerProcess?: number;
  /** LogStoreOptions.maxBytes. */
  maxBytesTotal?: number;
}

/** The smallest cap accepted, bytes (a few of the smallest segments, 4 KiB each). */
export const MIN_STORE_CAP = 64 * 1024;

const KEYS = ['maxBytesPerProcess', 'maxBytesTotal'] as const;

/** Check the value of the `store` key; `file` names it in errors. Throws {@link DefinitionError} naming the field. */
export function parseStoreLimits(raw: unknown, file: string): StoreLimits {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new DefinitionError(`${file}: field "store": must be a map such as { maxBytesPerProcess: 67108864 }`);
  const limits: StoreLimits = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new DefinitionError(`${file}: field "store.${key}": unknown (known: ${KEYS.join(', ')})`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MIN_STORE_CAP) {
      throw new DefinitionError(`${file}: field "store.${key}": must be a whole number of bytes, at least ${MIN_STORE_CAP} (64 KiB), got ${JSON.stringify(value)}`);
    }
    limits[key as (typeof KEYS)[number]] = value;
  }
  return limits;
}
