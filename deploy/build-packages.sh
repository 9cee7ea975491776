#!/bin/sh
# Builds oobwatch's packages from the runnable jar (mvn package runs this from dist/):
#   OUT/oobwatch_VERSION_all.deb     Debian/Ubuntu (skipped with a notice when dpkg-deb is missing)
#   OUT/oobwatch-VERSION.tar.gz      any systemd Linux: unpack, then ./install.sh
# Both carry the bash and zsh completions and the man page that generate-cli-docs.sh makes from the
# jar's command model (picocli-codegen renders the man page source; asciidoctor must be installed).
# Usage: build-packages.sh --version V --jar PATH --codegen PATH-TO-picocli-codegen.jar --out DIR
set -eu

usage() { echo "usage: $0 --version V --jar PATH --codegen PATH --out DIR" >&2; exit 2; }
VERSION= JAR= CODEGEN= OUT=
while [ $# -gt 0 ]; do
  case "$1" in
    --version) VERSION="$2"; shift 2 ;;
    --jar) JAR="$2"; shift 2 ;;
    --codegen) CODEGEN="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$VERSION" ] && [ -n "$JAR" ] && [ -n "$CODEGEN" ] && [ -n "$OUT" ] || usage
[ -f "$JAR" ] || { echo "$0: no jar at $JAR; build it first (mvn package)" >&2; exit 1; }

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
DOCS="$OUT/cli-docs"
rm -rf "$DOCS"
sh "$HERE/generate-cli-docs.sh" --jar "$JAR" --codegen "$CODEGEN" --out "$DOCS"

# --- tarball -------------------------------------------------------------------------------
NAME="oobwatch-$VERSION"
STAGE="$OUT/stage-tar/$NAME"
rm -rf "$OUT/stage-tar"
mkdir -p "$STAGE"
cp "$JAR" "$STAGE/oobwatch.jar"
cp "$HERE/oobwatch.sh" "$STAGE/oobwatch"
cp "$HERE/install.sh" "$STAGE/install.sh"
cp "$HERE/oobwatch.yaml.example" "$HERE/sysusers.conf" "$HERE/RUNBOOK-peers.md" "$STAGE/"
cp "$REPO/systemd/oobwatch.service" "$STAGE/oobwatch.service"
cp "$REPO/README.md" "$STAGE/README.md"
cp "$DOCS/oobwatch" "$STAGE/oobwatch.bash-completion"
cp "$DOCS/_oobwatch" "$DOCS/oobwatch.1.gz" "$STAGE/"
echo "$VERSION" > "$STAGE/VERSION"
chmod 0755 "$STAGE/oobwatch" "$STAGE/install.sh"
chmod 0644 "$STAGE/oobwatch.jar" "$STAGE/oobwatch.service" "$STAGE/oobwatch.yaml.example" "$STAGE/sysusers.conf" \
  "$STAGE/RUNBOOK-peers.md" "$STAGE/README.md" "$STAGE/VERSION" "$STAGE/oobwatch.bash-completion" \
  "$STAGE/_oobwatch" "$STAGE/oobwatch.1.gz"
tar -C "$OUT/stage-tar" --owner=0 --group=0 --numeric-owner --sort=name -czf "$OUT/$NAME.tar.gz" "$NAME"
rm -rf "$OUT/stage-tar"
echo "built $OUT/$NAME.tar.gz"

# --- .deb ----------------------------------------------------------------------------------
if ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "dpkg-deb not found: the .deb was not built (Debian/Ubuntu: apt-get install dpkg)"
  rm -rf "$DOCS"
  exit 0
fi
DEBVERSION=$(echo "$VERSION" | sed 's/-SNAPSHOT$/~SNAPSHOT/; s/-/~/g')
ROOT="$OUT/stage-deb"
rm -rf "$ROOT"
install -d -m 0755 "$ROOT/DEBIAN" "$ROOT/usr/bin" "$ROOT/usr/share/oobwatch" "$ROOT/lib/systemd/system" \
  "$ROOT/usr/lib/sysusers.d" "$ROOT/etc/oobwatch" "$ROOT/usr/share/doc/oobwatch" \
  "$ROOT/usr/share/bash-completion/completions" "$ROOT/usr/share/zsh/vendor-completions" "$ROOT/usr/share/man/man1"
install -m 0644 "$JAR" "$ROOT/usr/share/oobwatch/oobwatch.jar"
sed "s#@JAR@#/usr/share/oobwatch/oobwatch.jar#" "$HERE/oobwatch.sh" > "$ROOT/usr/bin/oobwatch"
chmod 0755 "$ROOT/usr/bin/oobwatch"
install -m 0644 "$REPO/systemd/oobwatch.service" "$ROOT/lib/systemd/system/oobwatch.service"
install -m 0644 "$HERE/sysusers.conf" "$ROOT/usr/lib/sysusers.d/oobwatch.conf"
install -m 0644 "$HERE/oobwatch.yaml.example" "$ROOT/etc/oobwatch/oobwatch.yaml.example"
install -m 0644 "$REPO/README.md" "$HERE/RUNBOOK-peers.md" "$ROOT/usr/share/doc/oobwatch/"
install -m 0644 "$DOCS/oobwatch" "$ROOT/usr/share/bash-completion/completions/oobwatch"
install -m 0644 "$DOCS/_oobwatch" "$ROOT/usr/share/zsh/vendor-completions/_oobwatch"
install -m 0644 "$DOCS/oobwatch.1.gz" "$ROOT/usr/share/man/man1/oobwatch.1.gz"
install -m 0755 "$HERE/debian/postinst" "$HERE/debian/prerm" "$HERE/debian/postrm" "$ROOT/DEBIAN/"
install -m 0644 "$HERE/debian/conffiles" "$ROOT/DEBIAN/conffiles"
SIZE=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
sed "s/@VERSION@/$DEBVERSION/; s/@SIZE@/$SIZE/" "$HERE/debian/control" > "$ROOT/DEBIAN/control"
# gzip, not xz: the jar is compressed already, xz would only cost minutes
dpkg-deb --root-owner-group -Zgzip --build "$ROOT" "$OUT/oobwatch_${DEBVERSION}_all.deb" >/dev/null
rm -rf "$ROOT" "$DOCS"
echo "built $OUT/oobwatch_${DEBVERSION}_all.deb"
