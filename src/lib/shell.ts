/** POSIX-shell quoting, for commands we print for the user to copy and paste. */

/** One word, quoted only when the shell would otherwise split or expand it. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one copy-pasteable command line. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
