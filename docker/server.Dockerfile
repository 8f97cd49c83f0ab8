# syntax=docker/dockerfile:1.7
# RapidRTMP server image. Build from the repository root:
#   docker build -f docker/server.Dockerfile -t rapidrtmp .
# Node 26 is the current LTS line (the project itself supports Node >= 20.19).

FROM node:26-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && find apps libs -name '*.spec.*' -path '*/dist/*' -delete

FROM node:26-slim AS runtime
ENV NODE_ENV=production \
    HTTP_PORT=8080 \
    RTMP_PORT=1935 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
# Thumbnails decode keyframes with ffmpeg child processes (FFMPEG_PATH, default `ffmpeg` on PATH).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
# Workspace packages are symlinked from node_modules/@rapidrtmp, so libs keep their repository layout.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/apps/server/package.json ./apps/server/package.json
COPY --from=build /app/apps/server/dist ./apps/server/dist
COPY --from=build /app/apps/dashboard/out ./apps/dashboard/out
# /srv/media: where several containers mount one shared media volume (STORAGE_LOCAL_DIR, compose.yaml);
# a fresh named volume takes the owner of the directory it is mounted on, so both are the node user's.
RUN mkdir -p /data /srv/media && chown node:node /data /srv/media
USER node
VOLUME ["/data"]
# 1936: RTMPS, listening when RTMPS_CERT_FILE and RTMPS_KEY_FILE are set (mount the PEM files).
EXPOSE 8080/tcp 1935/tcp 1936/tcp
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# V8 flags: SERVER_NODE_FLAGS (libs/testing/support/src/paths.ts), checked by tools/checks.
CMD ["node", "--max-semi-space-size=4", "apps/server/dist/main.js"]
