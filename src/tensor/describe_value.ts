// How error messages show a value that came from outside (a file header, a config, an argument):
// its kind, and for a primitive its JSON, cut short so that a hostile input cannot put megabytes
// into one message. Shared by every reader that says "expected …, got …".

/** 'null', 'undefined', 'an array', 'an object', 'an instance of Foo', or the type and short JSON of a primitive. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return 'an object';
    return `an instance of ${(v as { constructor?: { name?: string } }).constructor?.name ?? 'a class'}`;
  }
  return `${typeof v} ${shortJson(v)}`;
}

/** JSON of v, at most 80 characters. */
export function shortJson(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    // Nested too deeply for JSON.stringify (String() would recurse just as deep), a cycle, or a
    // value whose toString throws: say what it is instead.
    s = Array.isArray(v) ? '[an array nested too deeply to show]' : typeof v === 'object' && v !== null ? '{an object that cannot be shown}' : typeof v;
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
