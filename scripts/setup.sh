#!/usr/bin/env bash
# Installs what wr and its tests need on a Debian machine, then builds wr.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx sh || need_apt+=(busybox-static)
command -v gcc >/dev/null || need_apt+=(gcc libc6-dev)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/aarch64-linux-gnu/libc.a ] || need_apt+=(libc6-dev)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v du >/dev/null || need_apt+=(coreutils)
command -v ip >/dev/null || need_apt+=(iproute2)

# A machine that already has a container engine keeps it: Debian's docker.io
# conflicts with Docker CE, so it is installed only where no engine exists.
if ! command -v dockerd >/dev/null && ! [ -S /var/run/docker.sock ]; then
  need_apt+=(docker.io)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${need_apt[*]}; run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  PUPPETEER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
