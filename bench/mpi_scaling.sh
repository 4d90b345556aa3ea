#!/bin/bash
# 1 rank vs 2 ranks, one thread per rank, on the embedded LeNet: a 20×20 filter-normalized random
# plane (441 points, batch 2048) and a 4-batch SLQ (batches of 512, 1 run × 40 steps, no eigenpairs).
# Times are the work itself (results.json timings: plane_0, esd), not process start-up. The runs
# alternate 1, 2, 1, 2, … REPEATS times and the medians are compared (this VM's speed drifts).
#   bash bench/mpi_scaling.sh [REPEATS]      (needs: apt-get install mpich libmpich-dev)
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
dotnet build -c Release src/Lla.Cli > /dev/null
LLA="dotnet src/Lla.Cli/bin/Release/net10.0/Lla.Cli.dll"
OUT=$(mktemp -d)
export OMP_NUM_THREADS=1
for r in $(seq 1 "$REPEATS"); do
  for n in 1 2; do
    mpiexec.mpich -n $n $LLA landscape --steps 20 --batch-size 2048 --threads 1 --quiet --out $OUT/plane-$n-$r 2>/dev/null
    mpiexec.mpich -n $n $LLA hessian --batch-size 512 --batches 4 --top-k 0 --esd --runs 1 --lanczos-steps 40 --threads 1 --quiet --out $OUT/slq-$n-$r 2>/dev/null
  done
done
python3 - "$OUT" "$REPEATS" <<'PY'
import json, statistics, sys
out, repeats = sys.argv[1], int(sys.argv[2])
def r(name): return json.load(open(f"{out}/{name}/results.json"))
for kind, key in [("plane", "plane_0"), ("slq", "esd")]:
    t = {n: [r(f"{kind}-{n}-{i}")["timings_s"][key] for i in range(1, repeats + 1)] for n in (1, 2)}
    m1, m2 = statistics.median(t[1]), statistics.median(t[2])
    p = [r(f"{kind}-2-{i}")["processes"] for i in range(1, repeats + 1)]
    secs = statistics.median(x["mpi_seconds_rank0"] for x in p)
    calls = p[0]["mpi_calls_rank0"]
    print(f"{kind}: 1 rank {' '.join(f'{x:.1f}' for x in t[1])} s (median {m1:.1f}), 2 ranks {' '.join(f'{x:.1f}' for x in t[2])} s "
          f"(median {m2:.1f}), speed-up of medians {m1 / m2:.2f}, per pair {' '.join(f'{a / b:.2f}' for a, b in zip(t[1], t[2]))}; "
          f"rank 0 in MPI calls {secs:.3f} s (median) over {calls} calls")
a, b = r(f"slq-1-1")["hessian"]["criteria"], r(f"slq-2-1")["hessian"]["criteria"]
print(f"slq criteria, 1 vs 2 ranks: re {a['re']:.6g} vs {b['re']:.6g}, Kh {a['kh']:.6g} vs {b['kh']:.6g}")
PY
