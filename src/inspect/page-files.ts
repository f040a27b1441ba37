/**
 * The inspector's static page (src/inspect/page/: index.html, app.css, app.js), read from disk: from source it sits
 * beside this module; in the build, scripts/build.js copies it to dist/inspect/page/, one or two folders above the
 * bundle this module ends up in (dist/cli.js or dist/chunks/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type PageFile = 'index.html' | 'app.css' | 'app.js';

const pageDir = (() => {
  let found: string | undefined;
  return (): string => {
    found ??= ['./page/', './inspect/page/', '../inspect/page/']
      .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
      .find((dir) => existsSync(`${dir}index.html`));
    if (found === undefined) throw new Error('the inspector page (inspect/page/index.html) is missing from this install');
    return found;
  };
})();

/** One of the page's files, as text. */
export const pageFile = (name: PageFile): string => readFileSync(`${pageDir()}${name}`, 'utf8');

/** The page as the server sends it: its stylesheet and script fetched with the run's token (the CSP forbids inline ones). */
export function pageHtml(token: string): string {
  const query = `?token=${encodeURIComponent(token)}`;
  return pageFile('index.html').replace('href="app.css"', `href="/app.css${query}"`).replace('src="app.js" defer', `src="/app.js${query}" defer`);
}
