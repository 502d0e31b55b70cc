'use strict';
/*
 * Which better-sqlite3 opens deskctl's databases, written once for the store (src/store/sqlite.ts)
 * and the scripts (bench, load), so plain CommonJS. better-sqlite3 12 everywhere, but on Node 24
 * and later its successor (13, the optional dependency `better-sqlite3-13`, with prebuilt
 * bindings): 12 aborts the process there whenever V8 collects one of its statements (Node 24's
 * ObjectWrap asserts an environment the collector does not provide; closed upstream without a fix
 * for 12). 13 needs Node 22, so Node 20 and 22 keep 12; without a working 13, 12 it is.
 */
const { createRequire } = require('node:module');

/** better-sqlite3 13 where it replaces 12 and works, resolved from `from` (a file URL or path); else null. */
function node24Driver(from) {
  if (Number(process.versions.node.split('.')[0]) < 24) return null;
  try {
    const successor = createRequire(from)('better-sqlite3-13');
    // Its binding loads with the first connection: one in memory proves it before it is chosen.
    new successor(':memory:').close();
    return successor;
  } catch {
    return null;
  }
}

module.exports = { node24Driver };
