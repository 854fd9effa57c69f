#!/usr/bin/env bash
# Measures Kiln.Mpi on this machine: MPI_Init cost (as seen by MpiSession.Initialize) and shared-directory discovery
# time (max over ranks, per call), for both MPI flavours. Every mpirun is wrapped in timeout.
#   usage: benchmarks/mpi/measure.sh [runs-per-config=3] [discovery-repeats=11]
# Needs: dotnet build tests/Kiln.Mpi.TestHost -c Release
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
repeats=${2:-11}
host=artifacts/bin/Kiln.Mpi.TestHost/release/Kiln.Mpi.TestHost
[ -x "$host" ] || { echo "build first: dotnet build tests/Kiln.Mpi.TestHost -c Release"; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
launch() { # flavour np args...
    local flavour=$1 np=$2; shift 2
    if [ "$flavour" = openmpi ]; then
        timeout 120 mpirun.openmpi --allow-run-as-root --oversubscribe -x TERM=dumb -np "$np" "$host" "$@"
    else
        timeout 120 mpirun.mpich -np "$np" "$host" "$@"
    fi
}
summarise() { python3 - "$@" <<'PY'
import json, glob, statistics, sys
kind, flavour, np, out = sys.argv[1:5]
rows = [json.load(open(f)) for f in sorted(glob.glob(out + "/*/*.json"))]
if kind == "init":
    v = [r["initMs"] for r in rows]
    print(f"{'init':29} {flavour:8} np={np:2}  MPI_Init per rank: median {statistics.median(v):6.1f} ms  (min {min(v):.1f}, max {max(v):.1f}, n={len(v)})")
else:
    firsts = [r["discoveryMsMaxOverRanks"][0] for r in rows if r["rank"] == 0]
    later = [x for r in rows if r["rank"] == 0 for x in r["discoveryMsMaxOverRanks"][1:]]
    print(f"{kind:29} {flavour:8} np={np:2}  first call {statistics.median(firsts):6.1f} ms; later calls median {statistics.median(later):5.1f} ms (min {min(later):.1f}, max {max(later):.1f}, n={len(later)}); rounds {rows[0]['listingRounds']}")
PY
}
for flavour in openmpi mpich; do
    command -v "mpirun.$flavour" >/dev/null || { echo "skip $flavour: not installed"; continue; }
    for np in 1 2 4 8; do
        rm -rf "$scratch/o"; for i in $(seq "$runs"); do mkdir -p "$scratch/o/$i"; launch $flavour $np info --out "$scratch/o/$i" >/dev/null; done
        summarise init $flavour $np "$scratch/o"
    done
    for np in 4 8; do
        for method in TouchFiles NodeThenTouchFiles; do
        for layout in shared pairs; do
            extra=(); [ $layout = pairs ] && extra=(--group-size 2)
            rm -rf "$scratch/o" "$scratch/d"; for i in $(seq "$runs"); do mkdir -p "$scratch/o/$i" "$scratch/d/$i"
                launch $flavour $np discover --base "$scratch/d/$i" --repeat "$repeats" --method $method "${extra[@]}" --out "$scratch/o/$i" >/dev/null; done
            summarise "$method/$layout" $flavour $np "$scratch/o"
        done
        done
    done
done
