#!/usr/bin/env bash
# Peer benchmark: kiln vs. ninja vs. GNU make on the generated C project of /work/shared/peer-bench
# (gen_project.py: N sources + main.c, 20 headers, h00.h included by half of the sources, -O2 -Wall -std=c99).
#
# Usage:
#     benchmarks/peers/run.sh WORKDIR [N ...]          (default N: 200 1000)
#
# Environment:
#     JOBS      parallelism (default 2): make -j, ninja -j, kiln maxParallelRedoCount
#     RUNS      counted rounds per scenario (after 1 warm-up round; default 5)
#     SCENARIOS which scenarios to time (default "full noop touch_c touch_h"); e.g. SCENARIOS=noop for a
#               no-op-only pass at N=5000 (the project is built once, untimed, before the no-op)
#     TOOLS     which tools (default "kiln-replay kiln-warm kiln-cold ninja make"). The kiln modes (issue 15 §3):
#               kiln-cold   the managed kiln alone (Kiln.Cli: runtime, script and run-database every run; "kiln" is
#                           the same, the name of older results)
#               kiln-replay the NativeAOT front with no engine (KILN_NO_SERVER=1): an up-to-date tree is answered
#                           from the configuration record; anything else runs the managed kiln in its place
#               kiln-warm   the front with a resident engine (started by the settle builds, stopped at the end): the
#                           replay first, else the warm engine runs the script
#     KILN      a published kiln (directory holding Kiln.Cli); default: published here once, ReadyToRun,
#               into WORKDIR/kiln-pub
#     GEN       gen_project.py (default /work/shared/peer-bench/build/gen_project.py)
#
# For each N, one copy of the project per tool (WORKDIR/nN/<tool>) so that the tools share no outputs. All three
# tools of one N are timed in the same run, so ratios are taken on the same (noisy) machine at the same time.
# Tools are interleaved run by run (bench.py: round 1 kiln, ninja, make; round 2 …), 1 warm-up round, so the load
# of the shared machine falls on all alike. Per run: wall time, CPU time (user + system, command and descendants)
# and peak RSS of the largest single process (GNU time's %M, as time -v reports it). Scenarios (medians):
#   full     full build from clean (clean in --prepare: remove build/ and all build state)
#   noop     rebuild with nothing changed
#   touch_c  rebuild after 'touch src/f0001.c'
#   touch_h  rebuild after 'touch include/h00.h' (50 % of the sources include it)
# Results: WORKDIR/results/nN-<scenario>.json; the markdown table: WORKDIR/results/table.md (by to_markdown.py).

set -euo pipefail

WORKDIR="${1:?usage: run.sh WORKDIR [N ...]}"
shift
SIZES=("$@")
[ "${#SIZES[@]}" -gt 0 ] || SIZES=(200 1000)
JOBS="${JOBS:-2}"
RUNS="${RUNS:-5}"
SCENARIOS="${SCENARIOS:-full noop touch_c touch_h}"
TOOLS="${TOOLS:-kiln-replay kiln-warm kiln-cold ninja make}"
GEN="${GEN:-/work/shared/peer-bench/build/gen_project.py}"

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
mkdir -p "$WORKDIR/results"
WORKDIR="$(cd "$WORKDIR" && pwd)"

if [ -z "${KILN:-}" ]; then
    KILN="$WORKDIR/kiln-pub"
    if [ ! -x "$KILN/Kiln.Cli" ]; then
        echo "publishing kiln (ReadyToRun) into $KILN" >&2
        dotnet publish "$repo/src/Kiln.Cli" -c Release -r linux-x64 --self-contained false \
            -p:PublishReadyToRun=true -o "$KILN" -nologo -v quiet >&2
    fi
fi
KILN="$(cd "$KILN" && pwd)"
FRONT="${FRONT:-$repo/artifacts/front/kiln}"
case " $TOOLS " in
    *" kiln-replay "*|*" kiln-warm "*)
        [ -x "$FRONT" ] || "$repo/kiln" --version >/dev/null   # publishes the NativeAOT front
        ;;
esac
XDG="$WORKDIR/xdg"
mkdir -p "$XDG" && chmod 700 "$XDG"
stop_engine() { KILN_ENGINE="$KILN/Kiln.Cli" XDG_RUNTIME_DIR="$XDG" "$KILN/Kiln.Cli" server stop >/dev/null 2>&1 || true; }
trap stop_engine EXIT

declare -A build_cmd=(
    [kiln]="$KILN/Kiln.Cli build"
    [kiln-cold]="$KILN/Kiln.Cli build"
    [kiln-replay]="env KILN_NO_SERVER=1 KILN_ENGINE=$KILN/Kiln.Cli $FRONT build"
    [kiln-warm]="env KILN_ENGINE=$KILN/Kiln.Cli XDG_RUNTIME_DIR=$XDG $FRONT build"
    [make]="make -j$JOBS"
    [ninja]="ninja -j$JOBS"
)
# Clean keeps .kiln/scripts/ (the compiled build.cs, as a developer's tree keeps it) but removes the
# run-database and all outputs; see README of the results for what "full" includes.
kiln_clean="rm -rf build .kiln/runs-*.sqlite* .kiln/t .kiln/configuration-*.json"
declare -A clean_cmd=(
    [kiln]="$kiln_clean"
    [kiln-cold]="$kiln_clean"
    [kiln-replay]="$kiln_clean"
    [kiln-warm]="$kiln_clean"
    [make]="rm -rf build"
    [ninja]="rm -rf build .ninja_log .ninja_deps"
)

write_build_cs() {  # dir
    cat > "$1/build.cs" <<CS
using Kiln;
using Kiln.Contrib;

// Peer benchmark build (benchmarks/peers/run.sh): one compile per source (headers from depfiles), one link;
// the same flags as GNUmakefile and rules.ninja: gcc -O2 -Wall -std=c99 -I include.
using (var context = new Context(maxParallelRedoCount: $JOBS))
{
    CompileAndLink.Start("src/", ".c", "build/out/src/",
        (source, obj) => new CompileC
        {
            SourceFile = source, ObjectFile = obj, IncludeDirectories = ["include/"],
            Standard = "c99", Optimization = "2", Warnings = ["all"],
        },
        objects => new LinkExecutable { ObjectFiles = objects, LinkedFile = "build/out/app" });
}
return 0;
CS
}

has() { case " $SCENARIOS " in *" $1 "*) return 0;; esac; return 1; }

bench() {  # N scenario prepare-kind
    local n="$1" scenario="$2" specs=() tool dir prepare
    for tool in $TOOLS; do
        dir="$WORKDIR/n$n/$tool"
        case "$scenario" in
            full)    prepare="${clean_cmd[$tool]}" ;;
            noop)    prepare="" ;;
            touch_c) prepare="touch src/f0001.c" ;;
            touch_h) prepare="touch include/h00.h" ;;
        esac
        specs+=("$tool=$dir|$prepare|${build_cmd[$tool]}")
    done
    echo "== N=$n $scenario" >&2
    python3 "$here/bench.py" "$WORKDIR/results/n$n-$scenario.json" "$RUNS" 1 "${specs[@]}"
}

for n in "${SIZES[@]}"; do
    for tool in $TOOLS; do
        dir="$WORKDIR/n$n/$tool"
        if [ ! -f "$dir/src/main.c" ]; then
            rm -rf "$dir"
            python3 "$GEN" "$n" "$dir" >&2
            rm -rf "$dir/build.py" "$dir/.dlbroot"
            case "$tool" in kiln*) mkdir -p "$dir/.kiln"; write_build_cs "$dir" ;; esac
        fi
        # Settle: build (compiling build.cs once for kiln) and once more, untimed.
        (cd "$dir" && ${build_cmd[$tool]} >/dev/null 2>&1 && ${build_cmd[$tool]} >/dev/null 2>&1) \
            || { echo "build failed: $tool N=$n" >&2; (cd "$dir" && ${build_cmd[$tool]} 2>&1 | tail -20); exit 1; }
    done
    # full first (it ends built), then the incremental scenarios on the built trees.
    for scenario in full noop touch_c touch_h; do
        has "$scenario" && bench "$n" "$scenario"
    done
done

python3 "$here/to_markdown.py" "$WORKDIR/results" > "$WORKDIR/results/table.md"
cat "$WORKDIR/results/table.md"
