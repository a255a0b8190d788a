import express, { type Router } from 'express';
import { dirname, join } from 'node:path';
import { exampleTabs } from './example-tabs';

export const PLAYGROUND_ASSETS_PATH = '/playground';

/** Files of the IDE, straight from npm packages: the page needs nothing from the internet. */
const assets = new Map<string, string>([
  ['graphiql.min.css', require.resolve('graphiql/graphiql.min.css')],
  ['graphiql.min.js', require.resolve('graphiql/graphiql.min.js')],
  ['react.production.min.js', join(dirname(require.resolve('react/package.json')), 'umd', 'react.production.min.js')],
  ['react-dom.production.min.js', join(dirname(require.resolve('react-dom/package.json')), 'umd', 'react-dom.production.min.js')],
]);

/**
 * GraphiQL served by the service itself: queries and mutations over HTTP, subscriptions
 * over graphql-ws on the same path. Headers set in its Headers tab go with both (on the
 * WebSocket as the connection_init payload).
 */
export function playgroundRouter(graphqlPath: string): Router {
  const router = express.Router();
  router.get(`${PLAYGROUND_ASSETS_PATH}/:file`, (req, res, next) => {
    // A Map: an object would also find __proto__ or toString, which sendFile then failed on with a stack trace.
    const file = assets.get(req.params.file);
    if (!file) return next();
    res.sendFile(file, { maxAge: '1d', immutable: true });
  });
  router.get('/', (_req, res) => res.redirect(graphqlPath));
  router.get(graphqlPath, (req, res, next) => {
    if (!req.accepts('text/html') || req.query.query !== undefined) return next();
    res.type('html').send(page(graphqlPath));
  });
  return router;
}

function page(graphqlPath: string): string {
  const asset = (file: string) => `${PLAYGROUND_ASSETS_PATH}/${file}`;
  // JSON in a script element: escape "<" so no string can close the element.
  const config = JSON.stringify({ graphqlPath, tabs: exampleTabs }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ordered — GraphQL playground</title>
  <link rel="stylesheet" href="${asset('graphiql.min.css')}">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading the playground…</div>
  <script src="${asset('react.production.min.js')}"></script>
  <script src="${asset('react-dom.production.min.js')}"></script>
  <script src="${asset('graphiql.min.js')}"></script>
  <script>
    const config = ${config};
    const url = location.origin + config.graphqlPath;
    const fetcher = GraphiQL.createFetcher({ url, subscriptionUrl: url.replace(/^http/, 'ws') });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs: config.tabs,
        defaultEditorToolsVisibility: true,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: true,
      }),
    );
  </script>
</body>
</html>`;
}
