#!/usr/bin/env python3
"""The peer of `mosaic match` as a whole command (issue 25): plain Python, no packages.
Reads a match instance (contract match.md; the lottery in the file, no reserves, no
explicit priorities), runs student-proposing deferred acceptance with one heap per
school, writes the contract's CSV (student_id,school_id,rank,seat_type sorted by id).

Usage: match_plain.py INSTANCE.json OUT.csv
"""
import heapq, json, sys

instance = json.load(open(sys.argv[1]))
classes = instance.get("priorityClasses", ["sibling", "zone", "other"])
index = {s["id"]: i for i, s in enumerate(instance["schools"])}
capacity = [s["capacity"] for s in instance["schools"]]
students = instance["students"]
n = len(students)
prefs = [[index[p] for p in st["prefs"]] for st in students]

def key(st, school):
    # (class, lottery): smaller is better; the heap keeps the worst held on top (negated).
    sid = instance["schools"][school]["id"]
    c = classes.index("other")
    if "sibling" in classes and st.get("sibling") == sid: c = min(c, classes.index("sibling"))
    if "zone" in classes and sid in (st.get("zones") or []): c = min(c, classes.index("zone"))
    return (c, st["lottery"])

held = [[] for _ in capacity]           # per school: heap of (-class, -lottery, student)
next_choice = [0] * n
free = list(range(n - 1, -1, -1))
assigned = [None] * n
while free:
    i = free.pop()
    if next_choice[i] >= len(prefs[i]): continue
    s = prefs[i][next_choice[i]]; next_choice[i] += 1
    c, lot = key(students[i], s)
    if len(held[s]) < capacity[s]:
        heapq.heappush(held[s], (-c, -lot, i)); assigned[i] = s
    else:
        worst = held[s][0]
        if (c, lot) < (-worst[0], -worst[1]):
            heapq.heapreplace(held[s], (-c, -lot, i)); assigned[i] = s
            assigned[worst[2]] = None; free.append(worst[2])
        else:
            free.append(i)
with open(sys.argv[2], "w") as out:
    out.write("student_id,school_id,rank,seat_type\n")
    for i in sorted(range(n), key=lambda i: students[i]["id"]):
        s = assigned[i]
        if s is None: out.write(f"{students[i]['id']},,,\n")
        else: out.write(f"{students[i]['id']},{instance['schools'][s]['id']},{prefs[i].index(s) + 1},open\n")
