/** POSIX-shell quoting, for commands we print for the user to copy and paste. */

/** One word, quoted only when the shell would otherwise split or expand it. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one copy-pasteable command line. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * One word as a user of `os` would type it: POSIX quoting, or on Windows double quotes around a word that needs them
 * (cmd.exe's rule; PowerShell runs a quoted path only after `&`, but an unquoted one, the usual case, as it is).
 */
export function commandWord(value: string, os: NodeJS.Platform): string {
  if (os !== 'win32') return shellQuote(value);
  return /^[\w+=:,./\\-]+$/.test(value) ? value : `"${value}"`;
}
