/**
 * The one place that asks the user questions. Callers must check `ctx.canPrompt`
 * first (stdin is a TTY and not CI) and offer a flag (`--yes`) otherwise; tests
 * replace this module rather than drive a real terminal.
 */
export async function confirm(message: string, defaultValue = false): Promise<boolean> {
  const { confirm: ask } = await import('@inquirer/prompts');
  return ask({ message, default: defaultValue }, { output: process.stderr });
}

/** Masked input, for secrets such as an API key. */
export async function secret(message: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return password({ message, mask: '*' }, { output: process.stderr });
}
