/** Event-type globs, as `--route` (relay) and `replay --only` take them: `*` stands for any run of characters, dots included. */

/** Whether `glob` is one: letters, digits, `_`, `.` and `*`. */
export const isEventGlob = (glob: string): boolean => /^[a-z0-9_.*]+$/.test(glob);

/** Each glob compiled once: every delivery (or every recorded event) is matched against them. */
const compiled = new Map<string, RegExp>();

/** Whether `type` matches `glob`. */
export function matchesGlob(glob: string, type: string): boolean {
  let pattern = compiled.get(glob);
  if (!pattern) {
    pattern = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.]/g, '\\.')).join('.*')}$`);
    compiled.set(glob, pattern);
  }
  return pattern.test(type);
}
