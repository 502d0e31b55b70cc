import { readFileSync } from 'node:fs';

/** Set by the bundler (scripts/build.mjs); absent when the sources run as they are (tests). */
declare const __PACKAGE_VERSION__: string | undefined;

/** The package version: inlined at build time, else read from package.json beside src/. */
export const VERSION: string =
  typeof __PACKAGE_VERSION__ === 'string'
    ? __PACKAGE_VERSION__
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
