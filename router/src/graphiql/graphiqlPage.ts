const DEFAULT_QUERY = `# Welcome to the supergraph. Queries and mutations go over HTTP,
# subscriptions over WebSocket, all from this page.
#
# Sign in with the LogIn operation below (demo password: supergraph-demo),
# then put the token in the Headers tab: {"Authorization": "Bearer <token>"}
# and run MyNotesAndOrders, or start NewNotes and create a note elsewhere.

mutation LogIn {
  logIn(input: { email: "alice@example.com", password: "supergraph-demo" }) {
    token
  }
}

query MyNotesAndOrders {
  me {
    name
    email
    notes(first: 3) { edges { node { title tags { name } } } }
    orders(first: 3) { edges { node { status totalCents items { quantity product { name } } } } }
  }
}

subscription NewNotes {
  noteCreated { title author { email } }
}
`;

/** JSON inside a <script> must not be able to close it. */
const embed = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The HTML shell; everything it loads is served by the router itself. */
export function graphiqlPage(assetsPath: string): string {
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
<script type="application/json" id="graphiql-settings">${embed({ defaultQuery: DEFAULT_QUERY, defaultHeaders: '{}' })}</script>
<script type="module" src="${assetsPath}/graphiql.js"></script>
</body>
</html>`;
}
