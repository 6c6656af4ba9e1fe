// Types for the plain ESM hook-release script, for the pre-commit packaging test that uses it.
export function makeHookRelease(options: { dir: string; tarball?: string; root?: string }): { dir: string; tag: string; commit: string };
