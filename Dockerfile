# One image recipe for every service; docker-compose.yml picks the service
# with the SERVICE build argument (a workspace path such as subgraphs/users).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1

# Manifests first so the dependency layer is cached across code changes.
COPY package.json package-lock.json .npmrc ./
COPY common/package.json common/
COPY demo/package.json demo/
COPY router/package.json router/
COPY bridge/package.json bridge/
COPY subgraphs/users/package.json subgraphs/users/
COPY subgraphs/notes/package.json subgraphs/notes/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY subgraphs/payments/package.json subgraphs/payments/
COPY subgraphs/webhooks/package.json subgraphs/webhooks/
RUN npm ci --include=dev --ignore-scripts

COPY . .
# What postinstall does, once the sources are in: Prisma clients and GraphiQL's bundle.
RUN npm run prisma:generate && npm run build:graphiql
ARG SERVICE
ENV SERVICE=${SERVICE}
USER node
# Subgraphs apply their committed migrations before serving; the router has none.
CMD ["sh", "-c", "npm run migrate --if-present -w \"$SERVICE\" && exec npm start -w \"$SERVICE\""]
