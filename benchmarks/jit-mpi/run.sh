#!/bin/bash
# Cold-cache distributed JIT: Kiln.Jit.Mpi (Open MPI and MPICH) side by side with dijitso + mpi4py (Open MPI), one run.
#   dotnet build tests/Kiln.Jit.Mpi.TestHost -c Release && benchmarks/jit-mpi/run.sh [REPS] [NPS]
# Per configuration one mpirun (under timeout); REPS cold calls (a new signature each); wall per call = barrier before
# to barrier after on rank 0 (MPI_Init excluded); compiles counted by a compiler wrapper (one line per -shared compile).
# Kiln: one warm-up call first (the .NET JIT of the code path and the directory discovery, which DistributedJit keeps);
# dijitso redoes its discovery on every call (its test fixture's usage), which is inside its wall.
# Layouts: node = one shared directory; root = one directory per rank (simulated nodes, 1 compile + P-1 transfers).
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REPS="${1:-5}"
NPS="${2:-1 2 4 8}"
HOST="$ROOT/artifacts/bin/Kiln.Jit.Mpi.TestHost/release/Kiln.Jit.Mpi.TestHost"
PEER="${PEER:-/work/shared/peer-bench/jit}"
WORK="$(mktemp -d /tmp/kiln-jit-mpi-bench-XXXXXX)"
OMPI="mpirun.openmpi --allow-run-as-root --oversubscribe"
MPICH="mpirun.mpich"
[ -x "$HOST" ] || { echo "build first: dotnet build tests/Kiln.Jit.Mpi.TestHost -c Release" >&2; exit 1; }
cat > "$WORK/count-cxx.sh" <<'W'
#!/bin/sh
case " $* " in *" -shared "*) echo "${KILN_COUNT_TAG:-none} ${OMPI_COMM_WORLD_RANK:-${PMI_RANK:--}} $$" >> "$(dirname "$0")/$COUNT_DIR/compiles.log" ;; esac
exec c++ "$@"
W
chmod +x "$WORK/count-cxx.sh"
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg) reps=$REPS KILN_MPI_YIELD_MS=${KILN_MPI_YIELD_MS:-default} work=$WORK"
for np in $NPS; do
  for cfg in "Node 0 node shared" "Root 1 root per-rank"; do
    set -- $cfg
    for fl in openmpi mpich; do
      base="$WORK/kiln-$fl-$1-np$np"; mkdir -p "$base"
      if [ $fl = openmpi ]; then L="$OMPI -x TERM=dumb -x COUNT_DIR=$(basename "$base")"; else L="$MPICH -genv COUNT_DIR $(basename "$base")"; fi
      # KILN_MPI_YIELD_MS (Kiln.Mpi's spin-then-sleep wait) is forwarded when set: 0 suits oversubscribed runs.
      if [ -n "${KILN_MPI_YIELD_MS:-}" ]; then
        if [ $fl = openmpi ]; then L="$L -x KILN_MPI_YIELD_MS=$KILN_MPI_YIELD_MS"; else L="$L -genv KILN_MPI_YIELD_MS $KILN_MPI_YIELD_MS"; fi
      fi
      line=$(timeout 300 $L -np $np "$HOST" bench --base "$base" --mode $1 --group-size $2 --reps "$REPS" \
             --compiler "$WORK/count-cxx.sh" 2>"$base.err" | grep -ao 'KILN-BENCH .*' | sed 's/^KILN-BENCH //')
      [ -n "$line" ] || line="{\"impl\":\"kiln\",\"flavour\":\"$fl\",\"mode\":\"$1\",\"np\":$np,\"error\":\"see $base.err\"}"
      echo "$line load=$(cut -d' ' -f1 /proc/loadavg)"
    done
    base="$WORK/dijitso-$3-$4-np$np"; mkdir -p "$base"
    line=$(cd "$PEER" && timeout 300 $OMPI -np $np ${PY:-/usr/bin/python3} bench_mpi.py --mode $3 --layout $4 --base "$base" --reps "$REPS" 2>"$base.err" | grep '^{')
    echo "{\"impl\":\"dijitso\",\"flavour\":\"OpenMpi\",${line:1} load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
