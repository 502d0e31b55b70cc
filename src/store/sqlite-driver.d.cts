import type Database from 'better-sqlite3';

/** better-sqlite3 13 where it replaces 12 and works, resolved from `from` (a file URL or path); else null. */
export function node24Driver(from: string): typeof Database | null;
