/**
 * SHA-256 of official Stripe CLI release archives, pinned in source: version ->
 * archive file name -> sha256. For a version listed here the mirror's checksums
 * file is neither fetched nor trusted, so a mirror (or whoever sits in front of
 * it) that swaps archive and checksums file together cannot get its archive
 * installed. Versions not listed fall back to the release's checksums file.
 *
 * EMPTY ON PURPOSE, for now: DEFAULT_CLI_VERSION (1.52.0) belongs here, but its hashes
 * could not be obtained where this was written (no network), and a guessed hash is
 * worse than none. A maintainer must add, for 1.52.0, one line per archive
 * `releaseAssets()` names (stripe_1.52.0_linux_x86_64.tar.gz, …_linux_arm64.tar.gz,
 * …_mac-os_x86_64.tar.gz, …_mac-os_arm64.tar.gz, …_windows_x86_64.zip), copied from the release's
 * stripe-linux-checksums.txt, stripe-mac-checksums.txt and stripe-windows-checksums.txt and verified out of band
 * (e.g. against `sha256sum` of archives fetched over two different networks, or
 * Stripe's Homebrew formula for the same version). Do the same whenever
 * DEFAULT_CLI_VERSION moves; test/unit/install-release.test.ts checks the entries' shape.
 */
export type PinnedChecksums = Readonly<Record<string, Readonly<Record<string, string>>>>;

export const PINNED_SHA256: PinnedChecksums = {};
