/** Event-type globs, as `--route` (relay) and `replay --only` take them: `*` stands for any run of characters, dots included. */

/** Whether `glob` is one: letters, digits, `_`, `.` and `*`. */
export const isEventGlob = (glob: string): boolean => /^[a-z0-9_.*]+$/.test(glob);

/**
 * Whether `type` matches `glob`, without a regular expression: `.*` runs backtrack exponentially on globs such as
 * `*a*a*a*a*b`. The literal parts between stars are found in order, each at its first place after the last: taking
 * the earliest place never loses a match, so one pass suffices (about length × parts character comparisons).
 */
export function matchesGlob(glob: string, type: string): boolean {
  const parts = glob.split('*');
  const first = parts[0]!;
  if (parts.length === 1) return glob === type;
  const last = parts.at(-1)!;
  if (first.length + last.length > type.length || !type.startsWith(first) || !type.endsWith(last)) return false;
  let from = first.length;
  const end = type.length - last.length; // the middle parts must fit before the last one
  for (const part of parts.slice(1, -1)) {
    const at = type.indexOf(part, from);
    if (at === -1 || at + part.length > end) return false;
    from = at + part.length;
  }
  return true;
}
