#!/usr/bin/env bash
# Install the system packages the test suite needs (Debian/Ubuntu):
#   - PostgreSQL server binaries (initdb, pg_ctl, postgres); the tests start
#     their own throwaway cluster, so no system cluster is created or used.
#   - Chromium plus a font package, for the headless browser tests.
#   - A Java runtime, for Apache Spark in local mode (the Spark engine's tests).
#
# Idempotent and non-interactive. When everything is already present it
# returns without touching apt. When not running as root (or without apt),
# it only reports what is missing; the affected tests then skip.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

log() { printf '[install-system-deps] %s\n' "$*"; }

have_pg_server() {
    local bin
    for bin in initdb pg_ctl postgres; do
        if command -v "$bin" >/dev/null 2>&1; then
            continue
        fi
        # Debian keeps server binaries off PATH, under a versioned directory.
        if compgen -G "/usr/lib/postgresql/*/bin/$bin" >/dev/null; then
            continue
        fi
        return 1
    done
    return 0
}

have_chromium() {
    if [[ -n "${PEERSCOPE_CHROMIUM:-}" && -x "${PEERSCOPE_CHROMIUM}" ]]; then
        return 0
    fi
    [[ -x /usr/bin/chromium ]] || command -v chromium >/dev/null 2>&1
}

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
have_pg_server || missing+=(postgresql)
have_chromium || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if command -v dpkg-query >/dev/null 2>&1; then
    pkg_installed fonts-liberation || missing+=(fonts-liberation)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    log "all system dependencies present (postgresql server, chromium, fonts, java)"
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing: ${missing[*]}"
    log "not root or apt-get unavailable: not installing anything."
    log "install them with: sudo apt-get install ${missing[*]}"
    log "(or point PEERSCOPE_TEST_POSTGRES_URL / PEERSCOPE_CHROMIUM at existing ones);"
    log "tests that need them will be skipped."
    exit 0
fi

log "installing: ${missing[*]}"

# The tests run a private cluster of their own: ask Debian's postgresql-common
# not to create (and start) the default 'main' cluster when the server package
# is installed. A drop-in file avoids any conffile prompt.
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    dropin=/etc/postgresql-common/createcluster.d/00-no-main-cluster.conf
    if [[ ! -e "$dropin" ]]; then
        printf 'create_main_cluster = false\n' >"$dropin"
    fi
fi

apt_opts=(-y -q -o DPkg::Lock::Timeout=600
          -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

apt-get update -q -o DPkg::Lock::Timeout=600
apt-get install "${apt_opts[@]}" --no-install-recommends "${missing[@]}"

# Report the result; a failed install above already aborted via set -e.
have_pg_server && log "postgresql server binaries: ok" || log "postgresql server binaries: STILL MISSING"
command -v java >/dev/null 2>&1 && log "java: ok" || log "java: STILL MISSING"
have_chromium && log "chromium: ok ($(command -v chromium || echo /usr/bin/chromium))" || log "chromium: STILL MISSING"
