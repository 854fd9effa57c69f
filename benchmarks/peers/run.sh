#!/usr/bin/env bash
# Peer benchmark: kiln vs. ninja vs. GNU make on the generated C project of /work/shared/peer-bench
# (gen_project.py: N sources + main.c, 20 headers, h00.h included by half of the sources, -O2 -Wall -std=c99).
#
# Usage:
#     benchmarks/peers/run.sh WORKDIR [N ...]          (default N: 200 1000)
#
# Environment:
#     JOBS      parallelism (default 2): make -j, ninja -j, kiln maxParallelRedoCount
#     RUNS      counted runs per scenario (hyperfine --runs, after 1 warm-up; default 5)
#     SCENARIOS which scenarios to time (default "full noop touch_c touch_h"); e.g. SCENARIOS=noop for a
#               no-op-only pass at N=5000 (the project is built once, untimed, before the no-op)
#     TOOLS     which tools (default "kiln ninja make")
#     KILN      a published kiln (directory holding Kiln.Cli); default: published here once, ReadyToRun,
#               into WORKDIR/kiln-pub
#     GEN       gen_project.py (default /work/shared/peer-bench/build/gen_project.py)
#
# For each N, one copy of the project per tool (WORKDIR/nN/<tool>) so that the tools share no outputs. All three
# tools of one N are timed in the same run, so ratios are taken on the same (noisy) machine at the same time.
# Scenarios (hyperfine, medians):
#   full     full build from clean (clean in --prepare: remove build/ and all build state)
#   noop     rebuild with nothing changed
#   touch_c  rebuild after 'touch src/f0001.c'
#   touch_h  rebuild after 'touch include/h00.h' (50 % of the sources include it)
# Peak RSS (GNU time -v, one run each, largest single process): full build and no-op.
# Results: WORKDIR/results/*.json, *.time.txt; the markdown table: WORKDIR/results/table.md (by to_markdown.py).

set -euo pipefail

WORKDIR="${1:?usage: run.sh WORKDIR [N ...]}"
shift
SIZES=("$@")
[ "${#SIZES[@]}" -gt 0 ] || SIZES=(200 1000)
JOBS="${JOBS:-2}"
RUNS="${RUNS:-5}"
SCENARIOS="${SCENARIOS:-full noop touch_c touch_h}"
TOOLS="${TOOLS:-kiln ninja make}"
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

declare -A build_cmd=(
    [kiln]="$KILN/Kiln.Cli build"
    [make]="make -j$JOBS"
    [ninja]="ninja -j$JOBS"
)
# Clean keeps .kiln/scripts/ (the compiled build.cs, as a developer's tree keeps it) but removes the
# run-database and all outputs; see README of the results for what "full" includes.
declare -A clean_cmd=(
    [kiln]="rm -rf build .kiln/runs-*.sqlite* .kiln/t"
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

quiet() { printf '%s >/dev/null 2>&1' "$1"; }

bench() {  # name dir prepare command
    local name="$1" dir="$2" prepare="$3" command="$4"
    (cd "$dir" && hyperfine --style basic --warmup 1 --runs "$RUNS" --shell sh \
        --prepare "$prepare" --export-json "$WORKDIR/results/$name.json" "$(quiet "$command")" >&2)
}

peak_rss() {  # name dir command
    local name="$1" dir="$2" command="$3"
    (cd "$dir" && /usr/bin/time -v -o "$WORKDIR/results/$name.time.txt" sh -c "$(quiet "$command")")
}

has() { case " $SCENARIOS " in *" $1 "*) return 0;; esac; return 1; }

for n in "${SIZES[@]}"; do
    for tool in $TOOLS; do
        dir="$WORKDIR/n$n/$tool"
        if [ ! -f "$dir/src/main.c" ]; then
            rm -rf "$dir"
            python3 "$GEN" "$n" "$dir" >&2
            rm -rf "$dir/build.py" "$dir/.dlbroot"
            if [ "$tool" = kiln ]; then mkdir -p "$dir/.kiln"; write_build_cs "$dir"; fi
        fi
    done
    for tool in $TOOLS; do
        dir="$WORKDIR/n$n/$tool"
        b="${build_cmd[$tool]}"
        c="${clean_cmd[$tool]}"
        echo "== N=$n $tool: $b" >&2
        (cd "$dir" && sh -c "$(quiet "$b")") || { echo "build failed: $tool N=$n" >&2; (cd "$dir" && $b | tail -20); exit 1; }
        has full    && bench "n$n-$tool-full"    "$dir" "$c" "$b"
        (cd "$dir" && sh -c "$(quiet "$b")")
        has noop    && bench "n$n-$tool-noop"    "$dir" "true" "$b"
        has touch_c && bench "n$n-$tool-touch_c" "$dir" "touch src/f0001.c" "$b"
        has touch_h && bench "n$n-$tool-touch_h" "$dir" "touch include/h00.h" "$b"
        if has full; then
            (cd "$dir" && sh -c "$c")
            peak_rss "n$n-$tool-full" "$dir" "$b"
        fi
        (cd "$dir" && sh -c "$(quiet "$b")")
        has noop && peak_rss "n$n-$tool-noop" "$dir" "$b"
    done
done

python3 "$here/to_markdown.py" "$WORKDIR/results" > "$WORKDIR/results/table.md"
cat "$WORKDIR/results/table.md"
