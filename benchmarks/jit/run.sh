#!/usr/bin/env bash
# Kiln.Jit latency benchmark, side by side with the bare compiler and (when Debian's python3-dijitso is installed)
# dijitso, in one run on one machine. Usage (from anywhere):
#   bash benchmarks/jit/run.sh [WORK_DIR]          REPS=15 FRESH=40 CALLS=200000 to change the sample sizes
# Prints JSON lines and a summary table; raw results stay in $WORK/results. See docs/performance.md.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${1:-$(mktemp -d)}"
REPS="${REPS:-15}"; FRESH="${FRESH:-40}"; CALLS="${CALLS:-200000}"
RES="$WORK/results"; mkdir -p "$RES"
PEER="${PEER:-$ROOT/../shared/peer-bench/jit}"
echo "work dir: $WORK"; uname -srm; nproc; g++ --version | head -1; uptime

# Two hosts: NativeAOT (no JIT in the process, like a compiled application) and the ordinary JIT-compiled host.
dotnet publish "$ROOT/benchmarks/Kiln.Jit.Benchmarks" -c Release -r linux-x64 -p:PublishAot=true -o "$WORK/aot" -nologo -v q >/dev/null
dotnet build "$ROOT/benchmarks/Kiln.Jit.Benchmarks" -c Release -nologo -v q >/dev/null
AOT="$WORK/aot/Kiln.Jit.Benchmarks"
JIT="$ROOT/artifacts/bin/Kiln.Jit.Benchmarks/release/Kiln.Jit.Benchmarks"

# 1. Miss: Kiln miss vs bare `g++ -shared -fPIC` of the same source, paired in one process.
"$AOT" miss --cache "$WORK/kiln-miss" --reps "$REPS" | tee "$RES/kiln-miss.json"
"$AOT" dump --signature hitsig --dir "$WORK/bare" > /dev/null
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs 20 --export-json "$RES/hf-bare.json" "g++ -shared -fPIC $WORK/bare/hitsig.cpp -o $WORK/bare/libbare.so" | grep -E "Time|Range"
fi

# 2. First hit in a fresh process (timer around the call), library on disk.
"$AOT" prebuild --cache "$WORK/kiln-hit" --signature hitsig >/dev/null
"$AOT" prebuild --cache "$WORK/kiln-hit" --signature warmsig >/dev/null
"$AOT" hit-fresh --cache "$WORK/kiln-hit" --signature hitsig --reps "$FRESH" | sed 's/"kind": "hit-fresh"/"kind": "hit-fresh-aot"/' | tee "$RES/kiln-hit-fresh-aot.json"
"$JIT" hit-fresh --cache "$WORK/kiln-hit" --signature hitsig --reps "$FRESH" | sed 's/"kind": "hit-fresh"/"kind": "hit-fresh-jit"/' | tee "$RES/kiln-hit-fresh-jit.json"
"$JIT" hit-fresh --cache "$WORK/kiln-hit" --signature hitsig --reps "$FRESH" --warm warmsig | sed 's/"kind": "hit-fresh"/"kind": "hit-fresh-jit-warm"/' | tee "$RES/kiln-hit-fresh-jit-warm.json"

# The same with a C library (nothing like libstdc++ to load along with it).
"$AOT" prebuild --cache "$WORK/kiln-hit-c" --signature hitsig --lang c >/dev/null
"$AOT" hit-fresh --cache "$WORK/kiln-hit-c" --signature hitsig --reps "$FRESH" --lang c | sed 's/"kind": "hit-fresh"/"kind": "hit-fresh-aot-c"/' | tee "$RES/kiln-hit-fresh-aot-c.json"
"$AOT" verify-cost --cache "$WORK/kiln-hit" | tee "$RES/kiln-verify-cost.json"

# 3. Repeated hit in one process.
"$AOT" hit-mem --cache "$WORK/kiln-hit" --signature hitsig --calls "$CALLS" | sed 's/"kind": "hit-mem"/"kind": "hit-mem-aot"/' | tee "$RES/kiln-hit-mem-aot.json"
"$JIT" hit-mem --cache "$WORK/kiln-hit" --signature hitsig --calls "$CALLS" | sed 's/"kind": "hit-mem"/"kind": "hit-mem-jit"/' | tee "$RES/kiln-hit-mem-jit.json"

# 4. dijitso on the same machine in the same run (Debian python3-dijitso, Debian's python3).
if /usr/bin/python3 -c 'import dijitso, numpy' 2>/dev/null && [ -f "$PEER/bench_serial.py" ]; then
  export DIJITSO_SRC=/usr/lib/python3/dist-packages DIJITSO_CACHE_DIR="$WORK/dijitso-cache"
  /usr/bin/python3 "$PEER/bench_serial.py" miss --reps "$REPS" | tee "$RES/dijitso-miss.json"
  /usr/bin/python3 "$PEER/bench_serial.py" prebuild --name hitsig >/dev/null
  /usr/bin/python3 "$PEER/bench_serial.py" hit-fresh --name hitsig --reps "$FRESH" | tee "$RES/dijitso-hit-fresh.json"
  /usr/bin/python3 "$PEER/bench_serial.py" hit-mem --name hitsig --calls 20000 | tee "$RES/dijitso-hit-mem.json"
else
  echo "dijitso not installed (apt-get install python3-dijitso python3-numpy): peer columns skipped"
fi
uptime
echo "results in $RES"
