# One image recipe for every service; docker-compose.yml picks the service
# with the SERVICE build argument (a workspace path such as subgraphs/users).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1

# Manifests first so the dependency layer is cached across code changes.
COPY package.json package-lock.json .npmrc ./
COPY common/package.json common/
COPY router/package.json router/
COPY bridge/package.json bridge/
COPY subgraphs/users/package.json subgraphs/users/
COPY subgraphs/notes/package.json subgraphs/notes/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY subgraphs/users/prisma subgraphs/users/prisma
COPY subgraphs/notes/prisma subgraphs/notes/prisma
COPY subgraphs/orders/prisma subgraphs/orders/prisma
COPY subgraphs/users/prisma.config.ts subgraphs/users/
COPY subgraphs/notes/prisma.config.ts subgraphs/notes/
COPY subgraphs/orders/prisma.config.ts subgraphs/orders/
RUN npm ci --include=dev

COPY . .
ARG SERVICE
ENV SERVICE=${SERVICE}
USER node
# Subgraphs apply their committed migrations before serving; the router has none.
CMD ["sh", "-c", "npm run migrate --if-present -w \"$SERVICE\" && exec npm start -w \"$SERVICE\""]
