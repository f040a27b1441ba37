/** `setup`'s report: warnings for skipped binaries, then one table row per check (or the JSON object). */
import type { SetupReport } from '../doctor/facts.js';
import { describeBroken } from '../stripe-cli/broken.js';
import type { Output } from './output.js';
import { table } from './table.js';

const FOUND_AT: Record<string, string> = {
  '--stripe-bin': 'given by --stripe-bin',
  STRIPE_HOOKS_STRIPE_BIN: 'given by STRIPE_HOOKS_STRIPE_BIN',
  PATH: 'found on PATH',
  node_modules: "found in the project's node_modules",
  cache: "found in stripe-hooks' cache",
};

/** Where no account is, and, when a Stripe CLI was found, the command that logs it in (its path when not on PATH). */
const notLoggedIn = (login: SetupReport['login']) => `no account in ${login.configPath}${login.command ? `; to log in: ${login.command}` : ''}`;

export function renderSetupReport(out: Output, report: SetupReport): void {
  if (out.json) return out.data(report);
  const { c } = out;
  const good = (text: string) => c.green(text);
  const bad = (text: string) => c.red(text);
  const caution = (text: string) => c.yellow(text);
  for (const broken of report.skipped) out.warn(`skipped ${describeBroken(broken)}`);
  const cli = report.stripeCli;
  const { apiKey, login, node } = report;
  const keyDetail = !apiKey.present
    ? 'set STRIPE_API_KEY (offline mode needs none)'
    : apiKey.recognised
      ? `${apiKey.mode} mode, ${apiKey.kind} key (from ${apiKey.from})`
      : `from ${apiKey.from}, but not a secret (sk_…) or restricted (rk_…) key`;
  const rows = [
    cli
      ? ['Stripe CLI', good('ok'), `${cli.version}  ${cli.path}  (${report.installed ? `installed just now from ${report.installed.description}` : FOUND_AT[cli.source]})`]
      : ['Stripe CLI', bad('missing'), report.skipped.length ? 'none that works (see the warnings above)' : 'not found'],
    ['API key', apiKey.present ? (apiKey.recognised ? (apiKey.mode === 'live' ? caution('live') : good('ok')) : bad('invalid')) : caution('not set'), keyDetail],
    ['stripe login', login.loggedIn ? good('yes') : caution('no'), login.loggedIn ? login.configPath : notLoggedIn(login)],
    ['Node.js', node.supported ? good('ok') : bad('too old'), `${node.version} (stripe-hooks needs ${node.required})`],
  ];
  out.line(table(['check', 'status', 'detail'], rows));
}
