/**
 * Which API version offline events are rendered in, and why: the one the user gave (`--api-version`,
 * the library's `apiVersion`), else a flow file's `apiVersion:`, else the one the app's own stripe
 * package pins (node_modules/stripe under the current directory), else the SDK's. Explicit choices
 * come before detection: a flow file names its app's version on purpose, a node_modules may be stale.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SDK_API_VERSION } from '../lib/sdk-api-version.js';
import { SDK_RELEASES } from './api-shapes.js';
import { nearestShape } from './render-version.js';

export interface ResolvedApiVersion {
  /** The events' `api_version`. */
  version: string;
  /** Why: `flag` (or `apiVersion`), `flow file`, `app's stripe@X`, `default`. */
  reason: string;
  /** The known version whose shape the objects take: `version` itself unless it is unknown. */
  shape: string;
  /** Set when `version` is not a known one: what the events are rendered in instead. */
  warning?: string;
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const semver = (version: string) => version.split(/[.-]/).slice(0, 3).map(Number);
const atOrBelow = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return true;
};

/** The app's stripe package (its version) and the API version it pins: read from its files, else known from its version. */
export function appStripeApiVersion(cwd: string): { sdk: string; apiVersion: string } | undefined {
  const root = join(cwd, 'node_modules', 'stripe');
  const pkg = read(join(root, 'package.json'));
  if (pkg === undefined) return undefined;
  const sdk = String((JSON.parse(pkg) as { version?: unknown }).version ?? '');
  // Where each major keeps it: cjs/ and esm/apiVersion.js (11 on), lib/apiVersion.js (9, 10), types/lib.d.ts (8 on).
  for (const file of ['esm/apiVersion.js', 'cjs/apiVersion.js', 'lib/apiVersion.js', 'types/lib.d.ts']) {
    const pinned = /(?:ApiVersion|LatestApiVersion)\s*[:=]\s*['"](\d{4}-\d{2}-\d{2}(?:\.[a-z]+)?)['"]/.exec(read(join(root, file)) ?? '');
    if (pinned) return { sdk, apiVersion: pinned[1]! };
  }
  const release = /^\d+\.\d+\.\d+/.test(sdk) ? SDK_RELEASES.filter(([known]) => atOrBelow(known, sdk)).at(-1) : undefined;
  return release && { sdk, apiVersion: release[1] };
}

/** `flag`: --api-version or the library's apiVersion; `cwd`: where the app's node_modules is looked for (not at all without). */
export function resolveApiVersion(given: { flag?: string; flowFile?: string; cwd?: string }): ResolvedApiVersion {
  const explicit = given.flag !== undefined || given.flowFile !== undefined;
  const app = explicit || given.cwd === undefined ? undefined : appStripeApiVersion(given.cwd);
  const [version, reason] =
    given.flag !== undefined
      ? [given.flag, 'flag']
      : given.flowFile !== undefined
        ? [given.flowFile, 'flow file']
        : app
          ? [app.apiVersion, `app's stripe@${app.sdk}`]
          : [SDK_API_VERSION, 'default'];
  const shape = nearestShape(version);
  return {
    version,
    reason,
    shape: shape.version,
    ...(!shape.exact && { warning: `API version ${version} (${reason}) is not one stripe-hooks knows: its events take the shape of ${shape.version}, the nearest known before it` }),
  };
}
