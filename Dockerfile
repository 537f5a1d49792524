# workerman-ops (README: "Run in a container"). `docker build -t workerman-ops .`, then e.g.
#   docker run -d --env-file slack.env -v "$PWD/workerman-ops.yml:/etc/workerman-ops/config.yml:ro"
#     -v "$PWD/ssh:/var/lib/workerman-ops/.ssh:ro" workerman-ops
# Any CLI command runs too: `docker run --rm -i workerman-ops status --from-file - < status.txt`.
# The built-in host `local` cannot work here (no strace, no sudo, no Workerman in this container): use SSH hosts.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (tsc) needs the sources copied below, and ssh2's optional native crypto
# binding needs a compiler this image does not have; ssh2 falls back to node's own crypto without it.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    WORKERMAN_OPS_CONFIG=/etc/workerman-ops/config.yml
# A user of its own (uid 10001, no login, no sudo). Its home holds the SSH key (mount .ssh/ read-only, the
# files readable by uid 10001), as in the systemd unit, so one config works for both.
RUN groupadd --system --gid 10001 workerman-ops \
 && useradd --system --uid 10001 --gid workerman-ops --home-dir /var/lib/workerman-ops --shell /usr/sbin/nologin workerman-ops \
 && install -d -m 0700 -o workerman-ops -g workerman-ops /var/lib/workerman-ops /var/lib/workerman-ops/.ssh /var/log/workerman-ops
WORKDIR /app
# Root-owned and read-only for the bot: only what runs (the host helper is read by setup-host and sent to hosts).
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist/src ./dist/src
COPY host ./host
# The chart font (DejaVu Sans, its license beside it): the PNG is drawn with it and no system font.
COPY assets ./assets
COPY manifest.yml ./manifest.yml
USER workerman-ops
# HTTP mode only (SLACK_MODE=http, /slack/events); Socket Mode, the default, listens on nothing.
EXPOSE 3000
# /healthz in HTTP mode, with node itself (no curl in a slim image). In Socket Mode there is no HTTP
# server to ask: the check succeeds at once, and a lost Slack connection shows in the logs instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "try{process.loadEnvFile('.env')}catch{}const e=process.env,mode=(e.SLACK_MODE||'').trim()||'socket';if(mode!=='http')process.exit(0);const b=(e.HOST||'').trim(),h=b===''||b==='0.0.0.0'||b==='::'?'127.0.0.1':b.includes(':')?`[${b}]`:b;fetch(`http://${h}:${(e.PORT||'').trim()||3000}/healthz`,{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/src/cli/bin.js"]
CMD ["serve"]
