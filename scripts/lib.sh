# Shared shell helpers for run.sh, test.sh and the end-to-end launcher. Source it; do not run it.

# ensure_packages PKG...: installs the Debian packages that are missing (as root), or tells the one apt line to run.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing packages ${missing[*]} and no apt-get here; install their equivalents." >&2
    return 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing OS packages. Run once:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "==> installing OS packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# The Debian packages the services' embedded engines and the local Redis need at run time.
RUNTIME_PACKAGES=(redis-server pocketsphinx pocketsphinx-en-us apertium apertium-eng-spa apertium-eng-cat
  apertium-apy espeak-ng)
# Extra packages the tests need: test speech (flite), audio tools (sox), the browser, the SFU (janus) and Redis
# Sentinel for the high-availability tests. Node.js (for playwright-core and the web lint)
# is checked by e2e/run.sh itself: it may come from NodeSource, whose nodejs package conflicts with Debian's npm.
TEST_PACKAGES=(flite sox chromium curl janus redis-sentinel)

# require_java: Java 17+ must be the java on the PATH (or JAVA_HOME).
require_java() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  if ! command -v "$java" >/dev/null 2>&1; then
    echo "error: no Java found; install a JDK 17 or newer (e.g. sudo apt-get install -y openjdk-17-jdk)" >&2
    return 1
  fi
  local major
  major=$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
  if [ "${major%%.*}" -lt 17 ]; then
    echo "error: Java $major found; Java 17 or newer is needed" >&2
    return 1
  fi
}

# wait_ready NAME URL TIMEOUT_S PID: polls a readiness URL until it answers UP, the process dies, or time runs out.
wait_ready() {
  local name=$1 url=$2 timeout=$3 pid=$4
  local deadline=$((SECONDS + timeout))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: $name exited during start-up" >&2
      return 1
    fi
    if curl -fsS --max-time 2 "$url" 2>/dev/null | grep -q '"status":"UP"'; then
      return 0
    fi
    sleep 0.5
  done
  echo "error: $name not ready at $url within ${timeout}s" >&2
  return 1
}
