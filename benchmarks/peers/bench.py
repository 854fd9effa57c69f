#!/usr/bin/env python3
"""Interleaved timing of build commands (benchmarks/peers/run.sh).

Usage: bench.py OUT.json ROUNDS WARMUP NAME=DIR|PREPARE|COMMAND [...]

For each round, every named command runs once in turn (prepare in a shell, untimed; then the command, output
discarded), so that the load of a shared machine falls on all tools alike; hyperfine times one command's runs back
to back, which on a machine at load 20 made make 2.6x slower than ninja on a full build. Per run: wall time,
user + system CPU time of the command and all its waited-for descendants, and peak RSS of the largest single
process (GNU time's %M). Writes the runs and the medians to OUT.json.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(directory, command, scratch):
    # Through GNU time (a small process), not forked from this Python process: a child forked from here would carry
    # Python's resident pages into its ru_maxrss (the high-water mark survives exec).
    start = time.perf_counter()
    done = subprocess.run(['/usr/bin/time', '-f', '%U %S %M', '-o', scratch, 'sh', '-c', 'exec ' + command],
                          cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f'command failed ({done.returncode}) in {directory}: {command}')
    user, system, rss = open(scratch).read().split()[-3:]
    return {'wall': wall, 'cpu': float(user) + float(system), 'max_rss_kb': int(rss)}


def main():
    out, rounds, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    specs = []
    for arg in sys.argv[4:]:
        name, rest = arg.split('=', 1)
        directory, prepare, command = rest.split('|', 2)
        specs.append((name, directory, prepare, command))
    runs = {name: [] for name, *_ in specs}
    for r in range(warmup + rounds):
        for name, directory, prepare, command in specs:
            if prepare:
                subprocess.run(['sh', '-c', prepare], cwd=directory, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result = run_once(directory, command, out + '.time')
            if r >= warmup:
                runs[name].append(result)
            print(f'  {name:24s} round {r - warmup + 1 if r >= warmup else "w"}: wall {result["wall"]:8.3f} s  '
                  f'cpu {result["cpu"]:8.3f} s  rss {result["max_rss_kb"] / 1024:6.1f} MB', file=sys.stderr, flush=True)
    summary = {name: {'median_wall': statistics.median(x['wall'] for x in rs),
                      'median_cpu': statistics.median(x['cpu'] for x in rs),
                      'max_rss_kb': max(x['max_rss_kb'] for x in rs),
                      'runs': rs} for name, rs in runs.items()}
    with open(out, 'w') as f:
        json.dump(summary, f, indent=1)


if __name__ == '__main__':
    main()
