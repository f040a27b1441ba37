/** `--open`: the page in the user's browser, on a terminal only (in CI or a pipe nobody would see it). */
import { spawn } from 'node:child_process';

export function openBrowser(url: string, interactive: boolean): boolean {
  if (!interactive) return false;
  const [bin, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(bin, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => {}); // no opener installed: the URL was printed anyway
    child.unref();
    return true;
  } catch {
    return false;
  }
}
