# Sourced by the launchers in bin/: builds what a command needs on first use (or when sources changed),
# then execs java so signals reach the JVM and the process id is the JVM's (brief §7).
xqbus_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# xqbus_stale MODULE: true when MODULE's jar is missing or older than the sources or the pom
xqbus_stale() {
  local jar="$xqbus_root/$1/target/$1.jar" stamp="$xqbus_root/$1/target/.launcher-built"
  [[ ! -f $jar || ! -f $stamp || "$xqbus_root/pom.xml" -nt $stamp ]] \
    || [[ -n "$(find "$xqbus_root" -path '*/src/main/*' -newer "$stamp" -print -quit 2>/dev/null)" ]]
}

xqbus_launch() {
  local module=$1 main=$2
  shift 2
  local jar="$xqbus_root/$module/target/$module.jar"
  # the jar plugin keeps an unchanged jar's old time stamp, so the launcher stamps its own builds
  local stamp="$xqbus_root/$module/target/.launcher-built"
  # Launchers started at once must not build at once (two Maven runs writing one jar made the third
  # command fail with ZipException): the check and the build happen under one lock for the whole tree,
  # and a launcher that waited re-checks, so only the first one builds.
  if xqbus_stale "$module"; then
    exec 9>"$xqbus_root/.launcher.lock"
    if ! flock -w 600 9; then
      echo "xqbus: waited 10 minutes for another launcher's build ($xqbus_root/.launcher.lock); giving up" >&2
      exit 75
    fi
    if xqbus_stale "$module"; then
      echo "xqbus: building $module (first use or sources changed)…" >&2
      # (Maven 3.8's -q writes colour resets even with -B: stripped, the build's own status kept)
      (cd "$xqbus_root" && mvn -B -q -Dstyle.color=never -DskipTests -pl "$module" -am package) 2>&1 | sed $'s/\e\\[[0-9;]*m//g' >&2
      if [[ ${PIPESTATUS[0]} -ne 0 ]]; then
        echo "xqbus: the build failed; run 'mvn -B -DskipTests package' in $xqbus_root to see why" >&2
        exit 70
      fi
      touch "$stamp"
    fi
    exec 9>&-
  fi
  # Class data sharing (AppCDS), for short commands that scripts call in loops (the launcher sets
  # XQBUS_CDS=on): the first run records the classes it loads, the next builds a static archive in a
  # separate process (a failure there only means no archive), later runs map it. Static, not the dynamic
  # -XX:ArchiveClassesAtExit: that one crashed OpenJDK 17 at exit (SIGSEGV in adjust_lambda_proxy_class_dictionary).
  local cds=()
  # one explicit class path, the same for the archive and the run (a wildcard may expand in another order)
  local cp="$jar:$(printf '%s:' "$xqbus_root/$module/target/lib/"*.jar)"
  cp="${cp%:}"
  if [[ ${XQBUS_CDS:-off} == on ]]; then
    local list="$xqbus_root/$module/target/app-cds.classlist" archive="$xqbus_root/$module/target/app-cds.jsa"
    if [[ -f $archive && ! $stamp -nt $archive ]]; then
      cds=(-XX:SharedArchiveFile="$archive" -Xshare:auto)
    elif [[ -f $list && ! $stamp -nt $list ]]; then
      if java -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$archive" -cp "$cp" >/dev/null 2>&1; then
        cds=(-XX:SharedArchiveFile="$archive" -Xshare:auto)
      else
        rm -f "$archive" "$list"
      fi
    else
      cds=(-XX:DumpLoadedClassList="$list")
    fi
  fi
  # shellcheck disable=SC2086
  exec java ${XQBUS_JAVA_OPTS:-} "${cds[@]}" -Xlog:cds=off -cp "$cp" "$main" "$@"
}
