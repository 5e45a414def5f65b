"""The peer for `mosaic bench match`: the Python `matching` library's hospital-resident
solver (resident-optimal, i.e. student-proposing deferred acceptance) on the market that
`mosaic bench match --write-market FILE` exported, with the same priorities. Prints JSON:
the time to make the library's players and to run its solver, and how many students it
assigns to the same programme as Mosaic's DA (`--assignment FILE`).

The players come from the library's own `_make_players` and the solver is the function
`HospitalResident.solve` calls (`matching.algorithms.hospital_resident`). The game object
is not built: its constructor deep-copies every player and checks the inputs pairwise,
which grows with the square of the market (81 s at 20,000 students, more than half an
hour at 80,000) and is not part of solving."""
import json
import sys
import time

from matching.algorithms.hospital_resident import hospital_resident
from matching.games.hospital_resident import _make_players


def main(market_path, assignment_path):
    with open(market_path) as f:
        n, k = map(int, f.readline().split())
        capacities = [int(f.readline()) for _ in range(k)]
        prefs = [list(map(int, f.readline().split())) for _ in range(n)]
        orders = [list(map(int, f.readline().split())) for _ in range(k)]
    resident_prefs = {f"r{i}": [f"h{s}" for s in p] for i, p in enumerate(prefs) if p}
    hospital_prefs = {f"h{s}": [f"r{i}" for i in o] for s, o in enumerate(orders)}
    hospital_capacities = {f"h{s}": c for s, c in enumerate(capacities)}
    t0 = time.perf_counter()
    residents, hospitals = _make_players(resident_prefs, hospital_prefs, hospital_capacities)
    t1 = time.perf_counter()
    matching = hospital_resident(residents, hospitals, optimal="resident")
    t2 = time.perf_counter()
    theirs = [-1] * n
    for hospital, residents in matching.items():
        for r in residents:
            theirs[int(r.name[1:])] = int(hospital.name[1:])
    with open(assignment_path) as f:
        ours = [int(line) for line in f]
    same = sum(1 for a, b in zip(ours, theirs) if a == b)
    print(json.dumps({"playersSeconds": t1 - t0, "solveSeconds": t2 - t1,
                      "assigned": sum(1 for x in theirs if x >= 0), "sameAsMosaic": same, "students": n}))


if __name__ == "__main__":
    # The library deep-copies its players, which refer to each other: at this size the
    # copy recurses deeper than Python's default limit and stack allow.
    import threading
    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1 << 30)
    worker = threading.Thread(target=main, args=(sys.argv[1], sys.argv[2]))
    worker.start()
    worker.join()
