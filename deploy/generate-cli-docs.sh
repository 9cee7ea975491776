#!/bin/sh
# Generates the shell completions and the man page from the command model in the runnable jar
# (picocli's AutoComplete and picocli-codegen's ManPageGenerator), so they never drift from the CLI:
#   OUT/oobwatch        bash completion   (installed as /usr/share/bash-completion/completions/oobwatch)
#   OUT/_oobwatch       zsh completion    (installed as /usr/share/zsh/vendor-completions/_oobwatch)
#   OUT/oobwatch.1.gz   man page oobwatch(1), rendered by asciidoctor's manpage backend
# Usage: generate-cli-docs.sh --jar PATH --codegen PATH-TO-picocli-codegen.jar --out DIR
set -eu

usage() { echo "usage: $0 --jar PATH --codegen PATH --out DIR" >&2; exit 2; }
JAR= CODEGEN= OUT=
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;;
    --codegen) CODEGEN="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$JAR" ] && [ -n "$CODEGEN" ] && [ -n "$OUT" ] || usage
[ -f "$JAR" ] || { echo "$0: no jar at $JAR; build it first (mvn package)" >&2; exit 1; }
[ -f "$CODEGEN" ] || { echo "$0: no picocli-codegen jar at $CODEGEN (mvn package in dist/ resolves it)" >&2; exit 1; }
command -v asciidoctor >/dev/null 2>&1 || {
  echo "$0: asciidoctor not found; it renders the man page (Debian/Ubuntu: apt-get install asciidoctor; .ci/run installs it)" >&2
  exit 1
}
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MAIN=io.oobwatch.watchdog.cli.Main
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- completion ----------------------------------------------------------------------------
"$JAVA" -cp "$JAR" picocli.AutoComplete --force --name oobwatch --completionScript "$WORK/oobwatch" "$MAIN" >/dev/null
# bash-completion loads a file by the command's name: register only the command itself
sed 's/^complete -F _complete_oobwatch -o default oobwatch .*/complete -F _complete_oobwatch -o default oobwatch/' \
  "$WORK/oobwatch" > "$OUT/oobwatch"
# zsh autoloads _oobwatch from its fpath on the first TAB: the same functions through zsh's
# bashcompinit, then this first completion itself (later ones go straight to the bash function).
{
  echo '#compdef oobwatch'
  echo 'autoload -U +X bashcompinit && bashcompinit'
  # the script aliases compopt, but an alias made while this file runs is too late for its functions
  echo 'whence compopt >/dev/null || compopt() { :; }'
  cat "$OUT/oobwatch"
  echo '_bash_complete -F _complete_oobwatch -o default'
} > "$OUT/_oobwatch"

# --- man page ------------------------------------------------------------------------------
# One page, oobwatch(1): the top command's page, then a section per subcommand (its synopsis,
# description and options), in the order of the command list.
"$JAVA" -cp "$JAR:$CODEGEN" picocli.codegen.docgen.manpage.ManPageGenerator --exit --outdir "$WORK/adoc" "$MAIN" >/dev/null
ADOC="$WORK/oobwatch.adoc"
sed 's/^xref:oobwatch-[a-z-]*\.adoc\[\(.*\)\]::$/\1::/' "$WORK/adoc/oobwatch.adoc" > "$ADOC"
for sub in $(sed -n 's/^xref:\(oobwatch-[a-z-]*\)\.adoc.*/\1/p' "$WORK/adoc/oobwatch.adoc"); do
  [ "$sub" = oobwatch-help ] && continue
  printf '\n== oobwatch %s\n' "${sub#oobwatch-}" >> "$ADOC"
  # drop the page header and the Name section; each "== Section" becomes a subsection
  awk '/^== Name$/ { skip = 1; next }
       /^== / { skip = 0; print "=" $0; next }
       /^(:|= |\/\/)/ { next }
       !skip { print }' "$WORK/adoc/$sub.adoc" >> "$ADOC"
done
asciidoctor --failure-level WARN -b manpage -o "$WORK/oobwatch.1" "$ADOC"
gzip -9n -c "$WORK/oobwatch.1" > "$OUT/oobwatch.1.gz"
echo "generated $OUT/oobwatch, $OUT/_oobwatch, $OUT/oobwatch.1.gz"
