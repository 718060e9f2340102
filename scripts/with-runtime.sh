#!/usr/bin/env bash
# One entry point for `npm run demo`, `npm test` and friends: make sure everything Vigil needs is
# installed (Node 24, Debian packages, npm packages, the built web app), then run the command.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mode=${1:?usage: with-runtime.sh demo|test|exec CMD...}; shift || true

log() { printf '[bootstrap] %s\n' "$*" >&2; }

# --- Node 24 -----------------------------------------------------------------------------------
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x "$ROOT/.runtime/node_modules/.bin/node" ]; then
  export PATH="$ROOT/.runtime/node_modules/.bin:$PATH"
elif [ "$(node_major node)" -lt 22 ]; then
  log "system Node is $(node --version 2>/dev/null || echo missing); installing Node 24 from the npm registry into .runtime/"
  npm install --silent --no-save --no-package-lock --prefix "$ROOT/.runtime" node@24 >&2
  export PATH="$ROOT/.runtime/node_modules/.bin:$PATH"
fi
log "node $(node --version)"
# V8 code cache for our modules (type-stripped TypeScript included): halves start-up, which is most
# of the time a restarted recorder needs to record again (measured 1.1 s -> 0.56 s of imports).
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$ROOT/.cache/node-compile}"

# --- Debian packages ---------------------------------------------------------------------------
# name-of-binary-or-file:debian-package
# DejaVu Sans: the map's label glyphs are built from it (src/map/glyph-font.ts).
need_demo=("/usr/bin/ffmpeg:ffmpeg" "/usr/bin/ffprobe:ffmpeg" "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core"
  # issue 14: plate-like fonts (Helvetica Narrow and Arial Narrow metrics) that eval:plates and the plate tests render plates with
  "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf:fonts-urw-base35"
  "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf:fonts-liberation"
  "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf:fonts-dejavu-extra")
need_test=("/usr/bin/chromium:chromium"
  "/usr/lib/x86_64-linux-gnu/girepository-1.0/GstRtspServer-1.0.typelib:gir1.2-gst-rtsp-server-1.0"
  "/usr/lib/python3/dist-packages/gi/__init__.py:python3-gi"
  "/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstrtp.so:gstreamer1.0-plugins-good"
  "/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstx264.so:gstreamer1.0-plugins-ugly"
  "/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstx265.so:gstreamer1.0-plugins-bad"
  "/usr/bin/gst-inspect-1.0:gstreamer1.0-tools"
  "/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstvideotestsrc.so:gstreamer1.0-plugins-base"
  "/usr/lib/postgresql/15/bin/postgres:postgresql-15"
  "/usr/sbin/nats-server:nats-server"
  "/usr/sbin/mosquitto:mosquitto")
want=("${need_demo[@]}")
[ "$mode" = test ] && want+=("${need_test[@]}")
missing=()
for pair in "${want[@]}"; do
  f=${pair%%:*}; p=${pair#*:}
  [ -e "$f" ] || missing+=("$p")
done
# Real footage for the simulator when Debian has it; optional, so never fatal.
opt_missing=()
[ -e /usr/share/doc/opencv-doc/examples/data/vtest.avi ] || [ -e /usr/share/opencv4/samples/data/vtest.avi ] || opt_missing+=(opencv-doc)
if [ ${#missing[@]} -gt 0 ] || [ ${#opt_missing[@]} -gt 0 ]; then
  all=($(printf '%s\n' "${missing[@]}" "${opt_missing[@]}" | sort -u))
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${all[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${all[@]}"; } >&2 || {
      [ ${#missing[@]} -gt 0 ] && { log "apt-get failed; install by hand: apt-get install ${missing[*]}"; exit 1; }
      log "optional package(s) ${opt_missing[*]} could not be installed; continuing without real footage"; }
  elif [ ${#missing[@]} -gt 0 ]; then
    log "missing Debian packages and not root. Please run: sudo apt-get install ${missing[*]}"
    exit 1
  fi
fi

# --- npm packages ------------------------------------------------------------------------------
if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  log "installing npm packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
# keep Node 24 ahead of anything in node_modules/.bin
[ -d "$ROOT/.runtime/node_modules/.bin" ] && export PATH="$ROOT/.runtime/node_modules/.bin:$PATH"

# --- web app -----------------------------------------------------------------------------------
if [ -d web/src ]; then
  if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.ts -newer web/dist/index.html 2>/dev/null | head -n1)" ]; then
    log "building the web app"
    vite build web --logLevel warn >&2
  fi
fi

case "$mode" in
  demo) exec node src/cli/main.ts demo "$@" ;;
  test) exec bash scripts/test.sh "$@" ;;
  exec) exec "$@" ;;
  *) log "unknown mode $mode"; exit 2 ;;
esac
