// The notices of the packages a bundle inlines (MIT and friends ask that their text travel with the code).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Each package among `moduleIds` (absolute paths of bundled modules) once, sorted: its version, license field and file. */
export function licenses(moduleIds, bundleName) {
  const dirs = new Set();
  for (const id of moduleIds) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(id.replaceAll('\\', '/'));
    if (match) dirs.add(match[1]);
  }
  const sections = [...dirs].map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).filter((name) => /^(licen[cs]e|copying)/i.test(name)).sort()[0];
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(no license file; package.json says ${pkg.license})`;
    return `${pkg.name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
  });
  sections.sort();
  return `Packages inlined in ${bundleName}, with their licenses.\n\n${sections.join(`\n${'-'.repeat(79)}\n\n`)}`;
}
