#!/usr/bin/env bash
# A private Docker engine and the base images authconform's docker runtime needs, on a machine
# with no engine and no image registry (CI, the test suite). Debian's docker.io, overlay2 (vfs
# where overlay2 cannot work), host networking only; every image is built here from a
# debootstrap'd Debian.
#
#   eval "$(docker/ci/local-engine.sh start)"   engine up + images built when missing; prints
#                                               the env (DOCKER_HOST, image names) on stdout
#   docker/ci/local-engine.sh env               the same env lines, if the engine runs
#   docker/ci/local-engine.sh stop [--purge]    removes its containers, stops the engine;
#                                               --purge also deletes the state dir (images too)
#
# State (socket, data root, log, the rootfs tarball) lives in AUTHCONFORM_DOCKER_DIR, default
# /var/tmp/authconform-docker. Progress goes to stderr; stdout carries only the env lines.
# Needs root (dockerd, apt-get, debootstrap). Safe to run again: a running engine is reused and
# an image is built only when missing or when its recipe below changed.
set -euo pipefail

STATE=${AUTHCONFORM_DOCKER_DIR:-/var/tmp/authconform-docker}
SOCK=$STATE/docker.sock
PIDFILE=$STATE/dockerd.pid
LOG=$STATE/dockerd.log
DATA=$STATE/data
EXEC=$STATE/exec
CACHE=$STATE/cache
TIMEOUT=${AUTHCONFORM_DOCKER_TIMEOUT:-60}
# AUTHCONFORM_DOCKER_STORAGE_DRIVER: overlay2 or vfs; default overlay2 if it works here.
MIRROR=${AUTHCONFORM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${AUTHCONFORM_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
CA_BUNDLE=${AUTHCONFORM_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

BASE_IMAGE=authconform-local/debian:bookworm
POSTGRES_IMAGE=authconform-local/postgres:15
NODE_IMAGE=authconform-local/node:20
RECIPE_LABEL=org.authconform.recipe

say() { echo "local-engine: $*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# docker.io's own CLI (a newer `docker` earlier on PATH may lack buildx). BuildKit: the legacy
# builder creates and commits a container for every instruction, and on vfs each of those is a
# full copy of the image (~8 s per ENV or LABEL for the Postgres image); BuildKit does not.
docker_cli() {
  local cli=/usr/bin/docker
  [ -x "$cli" ] || cli=$(command -v docker) || die "no docker CLI (apt-get install docker.io)"
  DOCKER_BUILDKIT=1 "$cli" --host "unix://$SOCK" "$@"
}

engine_answers() { [ -S "$SOCK" ] && docker_cli info >/dev/null 2>&1; }
# Whether process $1 is alive and its command line mentions $2: a pid file left by a killed
# process may name a pid that now belongs to something else.
pid_runs() { [ -n "$1" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"; }
engine_pid() { local pid; pid=$(cat "$PIDFILE" 2>/dev/null) && pid_runs "$pid" "unix://$SOCK" && echo "$pid"; }

print_env() {
  printf 'export DOCKER_HOST=%q\n' "unix://$SOCK"
  printf 'export AUTHCONFORM_POSTGRES_IMAGE=%q\n' "$POSTGRES_IMAGE"
  printf 'export AUTHCONFORM_NODE_IMAGE=%q\n' "$NODE_IMAGE"
  # Testcontainers' reaper (ryuk) is an image from a registry: the harness stops its own containers.
  printf 'export TESTCONTAINERS_RYUK_DISABLED=true\n'
  # Where a /.dockerenv exists (this CI VM has one) Testcontainers believes it runs in a container
  # and asks for the bridge network's gateway, which this engine does not have: every runtime
  # is then refused. Containers share the host's network, so the host is this machine's loopback.
  printf 'export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1\n'
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian packages: ${missing[*]}"
  local apt=(apt-get -qq -o DPkg::Lock::Timeout=300) started
  started=$(now)
  # A machine whose package lists were never fetched cannot install: update once, then retry.
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >>"$STATE/apt.log" 2>&1 || {
    "${apt[@]}" update >>"$STATE/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >>"$STATE/apt.log" 2>&1
  } || { tail -n 5 "$STATE/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $STATE/apt.log)"; }
  say "installed in $(since "$started")s"
}

# Starts dockerd with storage driver $1 in the background; its pid in LAUNCHED.
launch_dockerd() {
  rm -f "$PIDFILE" "$SOCK"
  # An empty config file: whatever /etc/docker/daemon.json says is not for this engine.
  echo '{}' >"$STATE/daemon.json"
  say "starting dockerd ($1, unix://$SOCK, log $LOG)"
  # No bridge, no iptables/NAT, no ip_forward sysctl: containers use the host's network only,
  # so the host's firewall and interfaces stay as they were. Its own containerd namespace
  # keeps it apart from a system containerd it may find and share (GitHub's runners have one).
  # setsid: the engine outlives this script and the caller's Ctrl-C; 9>&-: the lock stays ours.
  setsid dockerd \
    --config-file "$STATE/daemon.json" \
    --host "unix://$SOCK" \
    --data-root "$DATA" \
    --exec-root "$EXEC" \
    --pidfile "$PIDFILE" \
    --storage-driver "$1" \
    --iptables=false --ip-masq=false --ip-forward=false --bridge=none \
    --containerd-namespace authconform --containerd-plugins-namespace authconform-plugins \
    </dev/null >>"$LOG" 2>&1 9>&- &
  LAUNCHED=$!
}

# 0 once the engine answers, 1 if dockerd $1 exited, 2 after the timeout.
wait_for_engine() {
  local deadline=$((SECONDS + TIMEOUT))
  until engine_answers; do
    kill -0 "$1" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || return 2
    sleep 0.2
  done
}

# One line and the log's last lines; a dockerd this script started and that never answered is
# stopped again ($2), so a failed start leaves nothing running.
engine_failed() {
  local why="exited"
  [ "$1" -eq 2 ] && why="did not answer within ${TIMEOUT}s"
  say "dockerd $why on unix://$SOCK; last lines of $LOG:"
  tail -n 15 "$LOG" | sed 's/^/  /' >&2
  if [ -n "${2:-}" ] && kill -TERM "$2" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$2" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$2" 2>/dev/null || true
    unmount_below "$EXEC"
  fi
  exit 1
}

start_engine() {
  local pid status=0
  if pid=$(engine_pid); then
    if engine_answers; then
      say "engine already running (pid $pid, unix://$SOCK)"
      return
    fi
    # Started moments ago by someone else, or hung: it gets the time a fresh start gets.
    say "dockerd (pid $pid) runs but does not answer yet; waiting"
    wait_for_engine "$pid" || engine_failed $?
    return
  fi
  # overlay2 where the kernel and filesystem allow it (a container start is then a mount, not a
  # copy of the image: 0.4 s instead of 5 s for Postgres here), else vfs, which works anywhere.
  # The choice is remembered: images live in the data root per driver.
  local driver=${AUTHCONFORM_DOCKER_STORAGE_DRIVER:-} previous
  previous=$(cat "$STATE/storage-driver" 2>/dev/null) || previous=""
  [ -n "$driver" ] || driver=${previous:-overlay2}
  if [ "$driver" != "$previous" ] && [ -e "$DATA" ]; then
    # Another driver's images are invisible to this one, and BuildKit's cache would point at them.
    say "storage driver changes (${previous:-unknown} -> $driver): removing the old data root"
    remove_tree "$DATA"
  fi
  launch_dockerd "$driver"
  wait_for_engine "$LAUNCHED" || status=$?
  if [ $status -eq 1 ] && [ "$driver" = overlay2 ] && [ -z "${AUTHCONFORM_DOCKER_STORAGE_DRIVER:-}" ]; then
    say "overlay2 does not work here (see $LOG); using vfs"
    driver=vfs status=0
    remove_tree "$DATA"
    launch_dockerd "$driver"
    wait_for_engine "$LAUNCHED" || status=$?
  fi
  [ $status -eq 0 ] || engine_failed $status "$LAUNCHED"
  echo "$driver" >"$STATE/storage-driver"
}

image_recipe() { docker_cli image inspect --format "{{ index .Config.Labels \"$RECIPE_LABEL\" }}" "$1" 2>/dev/null || true; }
hash_of() { sha256sum | cut -c1-16; }

# --- authconform-local/debian:bookworm: debootstrap minbase, trimmed like the official slim image.
SLIM_DPKG='path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*'
APT_SOURCES="Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
BASE_RECIPE=$(printf 'minbase bookworm v1\n%s\n%s\n' "$SLIM_DPKG" "$APT_SOURCES" | hash_of)

# Whatever is mounted below $1: debootstrap may bind /dev into its target, dockerd leaves its
# network namespace file mounted in its exec root.
unmount_below() {
  local mount
  findmnt -rn -o TARGET | awk -v d="$1/" 'index($0 "/", d) == 1' | sort -r |
    while read -r mount; do umount -l "$mount" || true; done
}

# Removes $1 without ever crossing into another filesystem.
remove_tree() {
  [ -e "$1" ] || return 0
  unmount_below "$1"
  rm -rf --one-file-system "$1"
}

base_rootfs() {
  local tarball=$CACHE/debian-bookworm-minbase-$BASE_RECIPE.tar
  if [ ! -s "$tarball" ]; then
    local rootfs=$CACHE/rootfs.$$ started
    started=$(now)
    trap 'remove_tree "$rootfs"' EXIT
    mkdir -p "$CACHE"
    say "debootstrap --variant=minbase bookworm from $MIRROR (a minute; cached in $CACHE)"
    debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 || {
      tail -n 10 "$CACHE/debootstrap.log" >&2
      die "debootstrap failed (log: $CACHE/debootstrap.log)"
    }
    rm -f "$rootfs/etc/apt/sources.list" "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf"
    printf '%s\n' "$APT_SOURCES" >"$rootfs/etc/apt/sources.list.d/debian.sources"
    printf '%s\n' "$SLIM_DPKG" >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
    printf 'Acquire::Languages "none";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
    printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\nAPT::Install-Recommends "false";\n' \
      >"$rootfs/etc/apt/apt.conf.d/docker-clean"
    find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete 2>/dev/null || true
    rm -rf "$rootfs"/usr/share/{man,info,locale,lintian}/* "$rootfs"/var/cache/apt/archives/*.deb \
      "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/var/cache/debconf/*-old
    : >"$rootfs/etc/machine-id"
    tar --numeric-owner --one-file-system --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
      -C "$rootfs" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    remove_tree "$rootfs"
    trap - EXIT
    local old
    for old in "$CACHE"/debian-bookworm-minbase-*.tar; do [ "$old" = "$tarball" ] || rm -f "$old"; done
    say "rootfs ready in $(since "$started")s ($(du -h "$tarball" | cut -f1))"
  fi
  echo "$tarball"
}

ensure_base_image() {
  [ "$(image_recipe "$BASE_IMAGE")" = "$BASE_RECIPE" ] && return
  local tarball started
  tarball=$(base_rootfs)
  started=$(now)
  docker_cli import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL $RECIPE_LABEL=$BASE_RECIPE" \
    --change 'CMD ["bash"]' \
    "$tarball" "$BASE_IMAGE" >/dev/null
  say "imported $BASE_IMAGE in $(since "$started")s"
}

# --- authconform-local/postgres:15: Debian's postgresql-15 with the official image's contract.
POSTGRES_DOCKERFILE=$(cat <<'EOF'
FROM authconform-local/debian:bookworm
# The cluster is made by the entrypoint, as in the official image, not by the package.
RUN set -eux; apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-common; \
    sed -ri 's/#(create_main_cluster) .*$/\1 = false/' /etc/postgresql-common/createcluster.conf; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15; \
    rm -rf /var/lib/apt/lists/*; \
    sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" /usr/share/postgresql/15/postgresql.conf.sample; \
    mkdir -p /var/run/postgresql /docker-entrypoint-initdb.d; \
    chown postgres:postgres /var/run/postgresql; chmod 3777 /var/run/postgresql
ENV PG_MAJOR=15 PGDATA=/var/lib/postgresql/data LANG=C.UTF-8 \
    PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
EOF
)

# The official image's docker-entrypoint.sh, cut to what authconform and Testcontainers use:
# POSTGRES_USER/PASSWORD/DB (+ _FILE), POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD,
# /docker-entrypoint-initdb.d, PGPORT; a temporary socket-only server for the init (its
# "ready to accept connections" is the first of the two such lines), then the real one.
POSTGRES_ENTRYPOINT=$(cat <<'EOF'
#!/usr/bin/env bash
set -Eeo pipefail
file_env() {
  local var=$1 file=${1}_FILE def=${2:-}
  if [ -n "${!var:-}" ] && [ -n "${!file:-}" ]; then echo >&2 "error: both $var and $file are set"; exit 1; fi
  local val=$def
  if [ -n "${!var:-}" ]; then val=${!var}; elif [ -n "${!file:-}" ]; then val=$(< "${!file}"); fi
  export "$var"="$val"; unset "$file"
}
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  file_env POSTGRES_PASSWORD; file_env POSTGRES_USER postgres; file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
    echo >&2 'Error: Database is uninitialized and superuser password is not specified.'
    echo >&2 '       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust).'
    exit 1
  fi
  # Stricter than the official image in one way: TCP from 127.0.0.1 needs the password too
  # (initdb's default trusts it), because on the host's network that is every local user.
  if [ -n "$POSTGRES_PASSWORD" ]; then
    eval 'initdb --username="$POSTGRES_USER" --auth-host="$auth" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"
  else
    eval 'initdb --username="$POSTGRES_USER" --auth-host="$auth" '"$POSTGRES_INITDB_ARGS"
  fi
  printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
  export PGUSER=$POSTGRES_USER PGPASSWORD=$POSTGRES_PASSWORD
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "$0: running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) echo "$0: running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) [ -e "$f" ] && echo "$0: ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  echo; echo 'PostgreSQL init process complete; ready for start up.'; echo
fi
exec "$@"
EOF
)

# --- authconform-local/node:20: this machine's Node 20 and npm on the base (Debian's nodejs is 18).
NODE_DOCKERFILE=$(cat <<'EOF'
FROM authconform-local/debian:bookworm
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# Node's own CA list plus the host's: npm in a build reaches the registry the way the host does
# (through a TLS-inspecting proxy, if the host trusts one).
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
# The official image has a "node" user (uid 1000) that images built on it switch to.
RUN set -eux; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    groupadd --gid 1000 node; useradd --uid 1000 --gid node --shell /bin/bash --create-home node; \
    node --version; npm --version
CMD ["node"]
EOF
)

# Builds $1 from a context dir $3 with the Dockerfile text $2, labelled with recipe $4.
build_image() {
  local tag=$1 dockerfile=$2 context=$3 recipe=$4 started
  started=$(now)
  printf '%s\nLABEL %s=%s\n' "$dockerfile" "$RECIPE_LABEL" "$recipe" >"$context/Dockerfile"
  say "building $tag"
  docker_cli build --network host --progress plain --tag "$tag" "$context" >"$STATE/build-${tag//[:\/]/-}.log" 2>&1 || {
    tail -n 15 "$STATE/build-${tag//[:\/]/-}.log" | sed 's/^/  /' >&2
    die "building $tag failed (log: $STATE/build-${tag//[:\/]/-}.log)"
  }
  say "built $tag in $(since "$started")s"
}

ensure_postgres_image() {
  local base_id recipe context=$STATE/build/postgres
  base_id=$(docker_cli image inspect --format '{{.Id}}' "$BASE_IMAGE")
  recipe=$(printf '%s\n%s\n%s\n' "$base_id" "$POSTGRES_DOCKERFILE" "$POSTGRES_ENTRYPOINT" | hash_of)
  [ "$(image_recipe "$POSTGRES_IMAGE")" = "$recipe" ] && return
  rm -rf "$context"; mkdir -p "$context"
  printf '%s\n' "$POSTGRES_ENTRYPOINT" >"$context/docker-entrypoint.sh"
  chmod 755 "$context/docker-entrypoint.sh"
  build_image "$POSTGRES_IMAGE" "$POSTGRES_DOCKERFILE" "$context" "$recipe"
  rm -rf "$context"; rmdir "$STATE/build" 2>/dev/null || true
}

ensure_node_image() {
  local node npm version base_id recipe context=$STATE/build/node
  node=$(readlink -f "$(command -v node)") || die "no node on PATH: the node image copies this machine's Node 20"
  version=$("$node" --version)
  [ "${version%%.*}" = v20 ] || die "$node is $version; $NODE_IMAGE needs Node 20 (the image it stands for)"
  npm=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")") || die "no npm on PATH"
  [ -f "$npm/package.json" ] || die "cannot find npm's package dir (looked at $npm)"
  [ -s "$CA_BUNDLE" ] || die "no CA bundle at $CA_BUNDLE (apt-get install ca-certificates, or set AUTHCONFORM_CA_BUNDLE)"
  base_id=$(docker_cli image inspect --format '{{.Id}}' "$BASE_IMAGE")
  recipe=$(printf '%s\n%s\n%s\n%s\n%s\n' "$base_id" "$NODE_DOCKERFILE" "$version" \
    "$(cd "$npm" && "$node" -p 'require("./package.json").version')" "$(sha256sum <"$CA_BUNDLE")" | hash_of)
  [ "$(image_recipe "$NODE_IMAGE")" = "$recipe" ] && return
  rm -rf "$context"; mkdir -p "$context"
  cp "$node" "$context/node"
  # The host's binary may carry debug info (13 MB here); the official one does not.
  if command -v strip >/dev/null; then strip --strip-all "$context/node" || true; fi
  cp -a "$npm" "$context/npm"
  # A distribution's builtin npmrc describes the host (nodedir, cafile paths), not the image.
  rm -f "$context/npm/npmrc"
  cp "$CA_BUNDLE" "$context/ca-certificates.crt"
  build_image "$NODE_IMAGE" "$NODE_DOCKERFILE" "$context" "$recipe"
  rm -rf "$context"; rmdir "$STATE/build" 2>/dev/null || true
}

start() {
  local started
  started=$(now)
  [ "$(id -u)" -eq 0 ] || die "needs root (dockerd, apt-get, debootstrap)"
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock -w 900 9 || die "another local-engine.sh holds $STATE/lock"
  install_packages
  start_engine
  ensure_base_image
  ensure_postgres_image
  ensure_node_image
  # Images a rebuilt recipe replaced: untagged now, and on vfs each one is a full copy.
  docker_cli image prune --force >/dev/null 2>&1 || true
  say "ready in $(since "$started")s: unix://$SOCK"
  print_env
}

stop() {
  local purge=false pid
  [ "${1:-}" = --purge ] && purge=true
  [ -d "$STATE" ] || { say "nothing to stop ($STATE does not exist)"; return; }
  exec 9>"$STATE/lock"
  flock -w 900 9 || die "another local-engine.sh holds $STATE/lock"
  if pid=$(engine_pid); then
    if engine_answers; then
      local containers
      containers=$(docker_cli ps --all --quiet)
      if [ -n "$containers" ]; then
        say "removing $(wc -w <<<"$containers") container(s)"
        # shellcheck disable=SC2086 # one id per word
        docker_cli rm --force --volumes $containers >/dev/null || true
      fi
    fi
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "dockerd ignored SIGTERM for 20s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    say "engine not running"
  fi
  # The containerd dockerd supervises stops with it, unless dockerd was killed.
  local containerd_pid
  containerd_pid=$(cat "$EXEC/containerd/containerd.pid" 2>/dev/null) || containerd_pid=""
  if pid_runs "$containerd_pid" "$EXEC/containerd"; then kill -TERM "$containerd_pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE" "$SOCK"
  unmount_below "$EXEC"
  if [ "$purge" = true ]; then
    say "removing $STATE"
    remove_tree "$STATE"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  env)
    if engine_pid >/dev/null && engine_answers; then print_env
    else die "engine not running (start it with $0 start)"; fi ;;
  *) echo "usage: $0 start | env | stop [--purge]" >&2; exit 2 ;;
esac
