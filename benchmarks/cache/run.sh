#!/usr/bin/env bash
# Action-cache benchmark (issue 17 §3): a second working tree of the N-source peer project
# (/work/shared/peer-bench/build/gen_project.py, the build.cs of benchmarks/peers/run.sh) at another path, with an
# empty local cache and a warm Redis, against a full compile build of the same project.
#
# Usage:
#     benchmarks/cache/run.sh WORKDIR [N]          (default N: 1000)
#
# Environment:
#     JOBS   parallelism (default 2): kiln's maxParallelRedoCount
#     RUNS   counted rounds (default 3), after the untimed warm-up that fills Redis from tree "a"
#     KILN   a published kiln (directory holding Kiln.Cli); default: published here once, ReadyToRun, into WORKDIR/kiln-pub
#     GEN    gen_project.py (default /work/shared/peer-bench/build/gen_project.py)
#
# Trees: WORKDIR/nN/a (fills Redis once: the "other machine"), WORKDIR/nN/compile (the baseline: a full build with
# the cache off, KILN_CACHE=0), WORKDIR/elsewhere/nN/b (the second working tree, at another path). A redis-server is
# started on 127.0.0.1 on a free port with no persistence, and killed on exit. Each round, interleaved on the shared
# machine: clean + full build of "compile"; clean of "b" and of its local cache (WORKDIR/cache-b), then its full
# build with KILN_CACHE_DIR=WORKDIR/cache-b and KILN_CACHE_REDIS=127.0.0.1:PORT. Clean = remove build/ and the
# run-database (.kiln/scripts/, the compiled build.cs, is kept, as in benchmarks/peers). Per round: wall seconds of
# both, and the hit rate of "b" from 'kiln cache stats'. Output: WORKDIR/results/cache-nN.txt (one line per round and
# the medians).

set -euo pipefail

WORKDIR="${1:?usage: run.sh WORKDIR [N]}"
N="${2:-1000}"
JOBS="${JOBS:-2}"
RUNS="${RUNS:-3}"
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
KILN="$(cd "$KILN" && pwd)/Kiln.Cli"

redis_dir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" >"$redis_dir/log" 2>&1 &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null || true; wait $redis_pid 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
export KILN_CACHE_REDIS_ENDPOINT="127.0.0.1:$port"

make_tree() {  # dir
    local dir="$1"
    if [ ! -f "$dir/src/main.c" ]; then
        rm -rf "$dir"
        mkdir -p "$(dirname "$dir")"
        python3 "$GEN" "$N" "$dir" >&2
        rm -rf "$dir/build.py" "$dir/.dlbroot"
        mkdir -p "$dir/.kiln"
        cat > "$dir/build.cs" <<CS
using Kiln;
using Kiln.Contrib;

// Action-cache benchmark build (benchmarks/cache/run.sh): the peer benchmark's build (benchmarks/peers/run.sh).
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
    fi
}

clean() { (cd "$1" && rm -rf build .kiln/runs-*.sqlite* .kiln/t); }

a="$WORKDIR/n$N/a"
base="$WORKDIR/n$N/compile"
b="$WORKDIR/elsewhere/n$N/b"
for t in "$a" "$base" "$b"; do make_tree "$t"; done

seconds() { python3 -c 'import time; print(time.monotonic())'; }

echo "== warm-up: tree a fills Redis (and compiles build.cs of each tree once)" >&2
clean "$a"
rm -rf "$WORKDIR/cache-a"
(cd "$a" && KILN_CACHE_DIR="$WORKDIR/cache-a" KILN_CACHE_REDIS="$KILN_CACHE_REDIS_ENDPOINT" "$KILN" build >/dev/null 2>&1)
(cd "$base" && KILN_CACHE=0 "$KILN" build >/dev/null 2>&1)
(cd "$b" && KILN_CACHE=0 "$KILN" build >/dev/null 2>&1)

out="$WORKDIR/results/cache-n$N.txt"
: > "$out"
for round in $(seq "$RUNS"); do
    clean "$base"
    t0=$(seconds)
    (cd "$base" && KILN_CACHE=0 "$KILN" build >/dev/null 2>&1)
    t1=$(seconds)
    clean "$b"
    rm -rf "$WORKDIR/cache-b"
    t2=$(seconds)
    (cd "$b" && KILN_CACHE_DIR="$WORKDIR/cache-b" KILN_CACHE_REDIS="$KILN_CACHE_REDIS_ENDPOINT" "$KILN" build >/dev/null 2>&1)
    t3=$(seconds)
    cmp -s "$base/build/out/app" "$b/build/out/app" || { echo "outputs differ: $base/build/out/app $b/build/out/app" >&2; exit 1; }
    stats="$("$KILN" cache stats -C "$WORKDIR/cache-b")"
    hits=$(echo "$stats" | awk '$1=="hits"{print $2}')
    misses=$(echo "$stats" | awk '$1=="misses"{print $2}')
    python3 - "$round" "$t0" "$t1" "$t2" "$t3" "$hits" "$misses" >> "$out" <<'PY'
import sys
r, t0, t1, t2, t3, h, m = sys.argv[1:]
c, x = float(t1) - float(t0), float(t3) - float(t2)
print(f"round {r}: compile {c:.2f} s, cached {x:.2f} s, ratio {x / c:.3f}, hits {h}/{int(h) + int(m)}")
PY
    tail -1 "$out" >&2
done
python3 - "$out" <<'PY' | tee -a "$out"
import re, statistics, sys
rows = [re.findall(r"[\d.]+", l) for l in open(sys.argv[1]) if l.startswith("round")]
c = statistics.median(float(r[1]) for r in rows)
x = statistics.median(float(r[2]) for r in rows)
r = statistics.median(float(r[3]) for r in rows)
h = rows[-1]
print(f"median: compile {c:.2f} s, cached (empty local cache, warm Redis) {x:.2f} s, ratio of the rounds {r:.3f}; hits {h[4]}/{h[5]} in the last round")
PY
