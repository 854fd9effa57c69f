#!/usr/bin/env python3
"""Results of benchmarks/peers/run.sh (bench.py JSON, one file per N and scenario) -> markdown on stdout.

Usage: to_markdown.py RESULTS_DIR
Table 1: median wall time per tool, kiln/ninja (with the issue's target) and kiln/make.
Table 2: median CPU time (user + system of the build and everything it ran), less sensitive to a loaded machine.
Table 3: peak RSS of the largest single process (max over the runs), full build and no-op.
"""
import glob
import json
import os
import re
import sys

TOOLS = ('kiln', 'ninja', 'make')
SCENARIOS = (('full', 'full from clean'), ('noop', 'no-op'), ('touch_c', 'touch one .c'),
             ('touch_h', 'touch shared header'))
TARGETS = {'full': 1.05, 'noop': 1.5, 'touch_h': 1.2}


def fmt(sec):
    if sec is None:
        return '–'
    if sec == 0:
        return '< 10 ms'  # GNU time's CPU resolution
    return f'{sec:.2f} s' if sec >= 1 else f'{sec * 1000:.0f} ms' if sec >= 0.01 else f'{sec * 1000:.1f} ms'


def ratio(a, b):
    return f'{a / b:.2f}' if a and b else '–'


def main():
    d = sys.argv[1]
    data = {}
    for path in glob.glob(os.path.join(d, 'n*-*.json')):
        m = re.match(r'n(\d+)-(\w+)\.json$', os.path.basename(path))
        if m:
            data[(int(m.group(1)), m.group(2))] = json.load(open(path))
    sizes = sorted({n for n, _ in data})
    rounds = sorted({len(v['runs']) for r in data.values() for v in r.values()})
    print(f'Medians of {"/".join(map(str, rounds))} interleaved rounds (after 1 warm-up round).\n')
    print('| N | scenario | kiln | ninja | make | kiln / ninja | target | kiln / make |')
    print('|---|---|---|---|---|---|---|---|')
    for n in sizes:
        for scen, label in SCENARIOS:
            r = data.get((n, scen))
            if not r:
                continue
            v = {t: r[t]['median_wall'] if t in r else None for t in TOOLS}
            target = TARGETS.get(scen)
            mark = ''
            if target and v['kiln'] and v['ninja']:
                mark = ' ✓' if v['kiln'] / v['ninja'] <= target else ' ✗'
            print(f'| {n} | {label} | {fmt(v["kiln"])} | {fmt(v["ninja"])} | {fmt(v["make"])} | '
                  f'{ratio(v["kiln"], v["ninja"])} | {("≤ " + str(target) + mark) if target else "–"} | {ratio(v["kiln"], v["make"])} |')
    print('\nCPU time (user + system of the build command and all processes it ran), medians:\n')
    print('| N | scenario | kiln | ninja | make | kiln / ninja | kiln − ninja |')
    print('|---|---|---|---|---|---|---|')
    for n in sizes:
        for scen, label in SCENARIOS:
            r = data.get((n, scen))
            if not r:
                continue
            v = {t: r[t]['median_cpu'] if t in r else None for t in TOOLS}
            diff = fmt(v['kiln'] - v['ninja']) if v['kiln'] is not None and v['ninja'] is not None else '–'
            print(f'| {n} | {label} | {fmt(v["kiln"])} | {fmt(v["ninja"])} | {fmt(v["make"])} | {ratio(v["kiln"], v["ninja"])} | {diff} |')
    print('\nPeak RSS of the largest single process (max over the runs):\n')
    print('| N | scenario | kiln | ninja | make | kiln / ninja |')
    print('|---|---|---|---|---|---|')
    for n in sizes:
        for scen, label in (('full', 'full from clean'), ('noop', 'no-op')):
            r = data.get((n, scen))
            if not r:
                continue
            v = {t: r[t]['max_rss_kb'] if t in r else None for t in TOOLS}
            mb = {t: f'{x / 1024:.1f} MB' if x else '–' for t, x in v.items()}
            print(f'| {n} | {label} | {mb["kiln"]} | {mb["ninja"]} | {mb["make"]} | {ratio(v["kiln"], v["ninja"])} |')
    return 0


if __name__ == '__main__':
    sys.exit(main())
