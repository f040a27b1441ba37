/** Everything `setup` reports, as one object: also its `--json` shape. */
import type { Installed } from '../installer/install.js';
import type { LocateResult } from '../stripe-cli/locate.js';
import { loginCommand } from '../stripe-cli/login-hint.js';
import { apiKeyFacts, loginFacts, nodeFacts, type SetupReport } from './facts.js';

export function setupReport(
  located: LocateResult,
  installed: Installed | undefined,
  apiKey: string | undefined,
  where: { env: NodeJS.ProcessEnv; cwd: string },
): SetupReport {
  const { env } = where;
  const stripeCli = installed ? { path: installed.path, version: installed.version, source: 'installed' as const } : (located.found ?? null);
  return {
    ok: stripeCli !== null,
    stripeCli,
    installed: installed
      ? { from: installed.from, description: installed.description, integrity: installed.integrity ?? null, sha256: installed.sha256 ?? null }
      : null,
    skipped: located.broken,
    apiKey: apiKeyFacts(apiKey, env),
    login: loginFacts(env, stripeCli && loginCommand(stripeCli.path, where)),
    node: nodeFacts(),
  };
}
