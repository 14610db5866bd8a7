/** JSON inside a <script> must not be able to close it. */
const embed = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The HTML shell; everything it loads is served by the router itself. The
 * operations it opens with are the deployment's (GRAPHIQL_DEFAULT_DOCUMENT).
 */
export function graphiqlPage(assetsPath: string, defaultQuery: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Supergraph · GraphiQL</title>
<link rel="stylesheet" href="${assetsPath}/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql"></div>
<script type="application/json" id="graphiql-settings">${embed({ defaultQuery, defaultHeaders: '{}' })}</script>
<script type="module" src="${assetsPath}/graphiql.js"></script>
</body>
</html>`;
}
