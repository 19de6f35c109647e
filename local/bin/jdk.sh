# Sourced by ./vm2ami and .ci/run: sets JAVA_HOME to a JDK >= 21 so the user's default java does
# not matter. Order: $JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm, else
# the java on PATH.

vm2ami_java_major() { # prints the major version of the java binary $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1 | grep -E '^[0-9]+$' || echo 0
}

vm2ami_find_jdk() {
  local candidate best="" best_major=0 major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(vm2ami_java_major "$JAVA_HOME/bin/java")
    if [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(vm2ami_java_major "$candidate/bin/java")
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(vm2ami_java_major "$candidate/bin/java")
    if [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  fi
  return 1
}

if ! VM2AMI_JDK=$(vm2ami_find_jdk); then
  echo "vm2ami needs a JDK 21 or newer. Install one (e.g. apt-get install -y openjdk-21-jdk-headless, or Temurin)" >&2
  echo "and set JAVA_HOME to it; none was found in \$JAVA_HOME, /usr/lib/jvm or on PATH." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$VM2AMI_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
