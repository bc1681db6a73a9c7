# One image recipe for every service: docker build --build-arg SERVICE=customers -t fieldforce/customers .
# Stages: deps (all packages) → build (type-check + swc to dist/) → prod-deps → runtime (non-root).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY libs/kafka-dev-broker/package.json libs/kafka-dev-broker/package.json
COPY libs/kafka-dev-broker/bin libs/kafka-dev-broker/bin
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY libs/kafka-dev-broker/package.json libs/kafka-dev-broker/package.json
COPY libs/kafka-dev-broker/bin libs/kafka-dev-broker/bin
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<gateway|permissions|customers|visits|checkins|sync>" && false)
ENV NODE_ENV=production SERVICE=${SERVICE}
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=prod-deps --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/dist ./dist
# The sync service's upload file store (SYNC_UPLOAD_DIR); a volume mounted there keeps this owner.
RUN mkdir -p /data/uploads && chown node:node /data/uploads
USER node
# Migrations run from the same image: docker run IMAGE node dist/services/$SERVICE/src/migrate.js up
CMD ["sh", "-c", "exec node --enable-source-maps dist/services/${SERVICE}/src/main.js"]
