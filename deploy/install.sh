#!/bin/sh
# Installs oobwatch from this unpacked tarball on any systemd Linux with Java 17+.
#
#   sudo ./install.sh                       # into /usr/local, unit in /etc/systemd/system
#   ./install.sh --prefix /opt/oobwatch     # elsewhere (the unit's ExecStart follows)
#   DESTDIR=/tmp/pkgroot ./install.sh       # staged install (packaging): no user, no systemctl
#
# Idempotent: files already up to date are left alone; running it twice changes nothing.
# Upgrades replace the program, the unit and oobwatch.yaml.example, and never touch
# /etc/oobwatch/oobwatch.yaml, /etc/oobwatch/credentials/* or the state in /var/lib/oobwatch.
# It never starts the service: configure first, then systemctl enable --now oobwatch.
set -eu

PREFIX=/usr/local
DESTDIR="${DESTDIR:-}"
SYSTEMD=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --prefix=*) PREFIX="${1#*=}"; shift ;;
    --destdir) DESTDIR="$2"; shift 2 ;;
    --destdir=*) DESTDIR="${1#*=}"; shift ;;
    --no-systemd) SYSTEMD=no; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$PREFIX" in /*) ;; *) echo "install.sh: --prefix must be an absolute path" >&2; exit 2 ;; esac

HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=$(cat "$HERE/VERSION")
ETC=/etc/oobwatch
SHARE="$PREFIX/share/oobwatch"
BIN="$PREFIX/bin"
UNIT=/etc/systemd/system/oobwatch.service
D="$DESTDIR"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CHANGED=0

# put SRC DEST MODE: installs SRC as DEST unless DEST already has the same content and mode
put() {
  if [ -f "$2" ] && cmp -s "$1" "$2" && [ "$(stat -c %a "$2")" = "$3" ]; then
    return 0
  fi
  install -d -m 0755 "$(dirname "$2")"
  install -m "$3" "$1" "$2.oobwatch-new"
  mv -f "$2.oobwatch-new" "$2"
  echo "  installed ${2#"$D"}"
  CHANGED=$((CHANGED + 1))
}

echo "oobwatch $VERSION -> ${D:+$D }prefix $PREFIX"
put "$HERE/oobwatch.jar" "$D$SHARE/oobwatch.jar" 644
echo "$VERSION" > "$TMP/VERSION"
put "$TMP/VERSION" "$D$SHARE/VERSION" 644
sed "s#@JAR@#$SHARE/oobwatch.jar#" "$HERE/oobwatch" > "$TMP/oobwatch"
put "$TMP/oobwatch" "$D$BIN/oobwatch" 755
sed "s#^ExecStart=/usr/bin/oobwatch #ExecStart=$BIN/oobwatch #; s#file:/usr/share/doc/oobwatch/#file:$PREFIX/share/doc/oobwatch/#" \
  "$HERE/oobwatch.service" > "$TMP/oobwatch.service"
put "$TMP/oobwatch.service" "$D$UNIT" 644
put "$HERE/sysusers.conf" "$D/etc/sysusers.d/oobwatch.conf" 644
put "$HERE/oobwatch.yaml.example" "$D$ETC/oobwatch.yaml.example" 644
put "$HERE/README.md" "$D$PREFIX/share/doc/oobwatch/README.md" 644
put "$HERE/RUNBOOK-peers.md" "$D$PREFIX/share/doc/oobwatch/RUNBOOK-peers.md" 644
# where bash-completion, zsh and man look under a prefix (/usr/local/share is on their default paths)
put "$HERE/oobwatch.bash-completion" "$D$PREFIX/share/bash-completion/completions/oobwatch" 644
put "$HERE/_oobwatch" "$D$PREFIX/share/zsh/site-functions/_oobwatch" 644
put "$HERE/oobwatch.1.gz" "$D$PREFIX/share/man/man1/oobwatch.1.gz" 644
if [ ! -d "$D$ETC/credentials" ]; then
  install -d -m 0700 "$D$ETC/credentials"
  echo "  created ${ETC}/credentials (0700; systemd reads it and hands the files to the service)"
  CHANGED=$((CHANGED + 1))
fi

if [ -z "$D" ] && [ "$SYSTEMD" = yes ] && [ "$(id -u)" = 0 ]; then
  if command -v systemd-sysusers >/dev/null 2>&1; then
    systemd-sysusers /etc/sysusers.d/oobwatch.conf
  elif ! getent passwd oobwatch >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/oobwatch --no-create-home --shell /usr/sbin/nologin oobwatch
  fi
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    if [ "$CHANGED" -gt 0 ] && systemctl is-active --quiet oobwatch.service; then
      systemctl restart oobwatch.service
      echo "  restarted the running oobwatch service"
    fi
  fi
fi

if [ "$CHANGED" -eq 0 ]; then
  echo "oobwatch $VERSION already installed; nothing changed"
else
  echo "oobwatch $VERSION installed ($CHANGED change(s))"
fi
if [ ! -e "$D$ETC/oobwatch.yaml" ]; then
  cat <<MSG
Not started (not configured yet). Next:
  cp $ETC/oobwatch.yaml.example $ETC/oobwatch.yaml   # then edit
  install -m 0600 twilio-sid twilio-token $ETC/credentials/
  $BIN/oobwatch validate -c $ETC/oobwatch.yaml
  systemctl enable --now oobwatch
MSG
fi
