#!/bin/bash
# 1 rank vs 2 ranks, one thread per rank, on the embedded LeNet: a 20×20 filter-normalized random
# plane (441 points, batch 2048) and a 4-batch SLQ (batches of 512, 1 run × 40 steps, no eigenpairs).
# Times are the work itself (results.json timings: plane_0, esd), not process start-up.
#   bash bench/mpi_scaling.sh      (needs: apt-get install mpich libmpich-dev)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/Lla.Cli > /dev/null
LLA="dotnet src/Lla.Cli/bin/Release/net10.0/Lla.Cli.dll"
OUT=$(mktemp -d)
export OMP_NUM_THREADS=1
for n in 1 2; do
  mpiexec.mpich -n $n $LLA landscape --steps 20 --batch-size 2048 --threads 1 --quiet --out $OUT/plane-$n 2>/dev/null
  mpiexec.mpich -n $n $LLA hessian --batch-size 512 --batches 4 --top-k 0 --esd --runs 1 --lanczos-steps 40 --threads 1 --quiet --out $OUT/slq-$n 2>/dev/null
done
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
def r(name): return json.load(open(f"{out}/{name}/results.json"))
for kind, key in [("plane", "plane_0"), ("slq", "esd")]:
    one, two = r(f"{kind}-1"), r(f"{kind}-2")
    t1, t2 = one["timings_s"][key], two["timings_s"][key]
    p = two["processes"]
    print(f"{kind}: 1 rank {t1:.1f} s, 2 ranks {t2:.1f} s, speed-up {t1 / t2:.2f}; rank 0 in collectives "
          f"{p['collective_seconds_rank0']:.3f} s over {p['collective_calls_rank0']} calls "
          f"({1e3 * p['collective_seconds_rank0'] / max(1, p['collective_calls_rank0']):.2f} ms per call, incl. waiting for the other rank)")
if kind == "slq":
    a, b = one["hessian"]["criteria"], two["hessian"]["criteria"]
    print(f"slq criteria, 1 vs 2 ranks: re {a['re']:.6g} vs {b['re']:.6g}, Kh {a['kh']:.6g} vs {b['kh']:.6g}")
PY
