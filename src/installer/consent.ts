/** Whether `setup` may install the Stripe CLI, and the exact command to suggest when it may not. */
import { shellQuote } from '../lib/shell.js';

export type InstallDecision = 'install' | 'ask' | 'refuse';

/** --force and --yes are consent; CI=true is too (nobody is there to ask); a terminal means ask. */
export function installDecision(options: { yes: boolean; force: boolean; ci: boolean; canPrompt: boolean }): InstallDecision {
  if (options.yes || options.force || options.ci) return 'install';
  return options.canPrompt ? 'ask' : 'refuse';
}

export interface SetupFlags {
  cliVersion?: string;
  fromRelease?: boolean;
  downloadBase?: string;
}

/** The command that installs without asking, keeping the flags that choose what to install. */
export function installCommand(flags: SetupFlags): string {
  const parts = ['npx stripe-hooks setup --yes'];
  if (flags.cliVersion) parts.push(`--cli-version ${shellQuote(flags.cliVersion)}`);
  if (flags.fromRelease) parts.push('--from-release');
  if (flags.downloadBase) parts.push(`--download-base ${shellQuote(flags.downloadBase)}`);
  return parts.join(' ');
}
