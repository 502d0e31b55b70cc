// Shared by scripts/build.mjs and the test that checks the built libraries.

/**
 * The libraries that stay out of dist/cli.cjs, and how deskctl imports each (its default export,
 * or named ones): each costs milliseconds to tens of milliseconds to compile, and only some
 * commands need it.
 */
export const LIBRARIES = {
  zod: 'named',
  yaml: 'default',
  undici: 'named',
  fastify: 'default',
  '@fastify/rate-limit': 'default',
  '@inquirer/prompts': 'named',
  ora: 'default',
  chalk: 'named',
  'cli-table3': 'default',
  'csv-stringify': 'named',
  'csv-stringify/sync': 'named',
  conf: 'default',
  pg: 'default',
  'pg-cursor': 'default',
  'pg-copy-streams': 'named',
  nodemailer: 'default',
};

/** The file of a library in dist/lib/, without its extension: `@fastify/rate-limit` is `fastify-rate-limit`. */
export const libraryFile = (name) => name.replace(/^@/, '').replace(/\//g, '-');
