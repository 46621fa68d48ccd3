// Options of a task given as undefined (a flag the user left out) take the task's defaults: a plain
// spread `{ ...DEFAULTS, ...options }` would overwrite them with undefined instead.

/** o without the keys given as undefined. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
