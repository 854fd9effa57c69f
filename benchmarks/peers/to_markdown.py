#!/usr/bin/env python3
"""Results of benchmarks/peers/run.sh (bench.py JSON, one file per N and scenario) -> markdown on stdout.

Usage: to_markdown.py RESULTS_DIR
Table 1: median wall time per tool, each kiln mode / ninja and / make, with the target of issue 15 §3 for the mode
it names (no-op: kiln-replay; the others: kiln-warm).
Table 2: median CPU time (user + system of the build and everything it ran), less sensitive to a loaded machine.
Table 3: peak RSS of the largest single process (max over the runs), full build and no-op.
"""
import glob
import json
import os
import re
import sys

ORDER = ('kiln-replay', 'kiln-warm', 'kiln-cold', 'kiln', 'ninja', 'make')
SCENARIOS = (('full', 'full from clean'), ('noop', 'no-op'), ('touch_c', 'touch one .c'),
             ('touch_h', 'touch shared header'))
# Issue 15 §3: (mode, kiln / ninja at most).
TARGETS = {'full': ('kiln-warm', 1.05), 'noop': ('kiln-replay', 1.0), 'touch_c': ('kiln-warm', 1.1),
           'touch_h': ('kiln-warm', 1.05)}


def fmt(sec):
    if sec is None:
        return '–'
    if sec == 0:
        return '< 10 ms'  # GNU time's CPU resolution
    return f'{sec:.2f} s' if sec >= 1 else f'{sec * 1000:.0f} ms' if sec >= 0.01 else f'{sec * 1000:.1f} ms'


def ratio(a, b):
    return f'{a / b:.2f}' if a and b else '–'


def table(data, sizes, tools, key, title, scenarios=SCENARIOS, targets=False, unit=fmt):
    kilns = [t for t in tools if t.startswith('kiln')]
    head = ['N', 'scenario'] + list(tools) + [f'{k} / ninja' for k in kilns] + [f'{k} / make' for k in kilns]
    if targets:
        head.append('target')
    print(title + '\n')
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '---|' * len(head))
    for n in sizes:
        for scen, label in scenarios:
            r = data.get((n, scen))
            if not r:
                continue
            v = {t: r[t][key] if t in r else None for t in tools}
            row = [str(n), label] + [unit(v[t]) for t in tools]
            row += [ratio(v[k], v.get('ninja')) for k in kilns] + [ratio(v[k], v.get('make')) for k in kilns]
            if targets:
                mode, limit = TARGETS.get(scen, (None, None))
                if mode in v and v[mode] and v.get('ninja'):
                    row.append(f'{mode} ≤ {limit}' + (' ✓' if v[mode] / v['ninja'] <= limit else ' ✗'))
                else:
                    row.append('–')
            print('| ' + ' | '.join(row) + ' |')
    print()


def main():
    d = sys.argv[1]
    data = {}
    for path in glob.glob(os.path.join(d, 'n*-*.json')):
        m = re.match(r'n(\d+)-(\w+)\.json$', os.path.basename(path))
        if m:
            data[(int(m.group(1)), m.group(2))] = json.load(open(path))
    sizes = sorted({n for n, _ in data})
    present = {t for r in data.values() for t in r}
    tools = [t for t in ORDER if t in present] + sorted(present - set(ORDER))
    rounds = sorted({len(v['runs']) for r in data.values() for v in r.values()})
    print(f'Medians of {"/".join(map(str, rounds))} interleaved rounds (after 1 warm-up round).\n')
    table(data, sizes, tools, 'median_wall', 'Wall time, medians:', targets=True)
    table(data, sizes, tools, 'median_cpu', 'CPU time (user + system of the build command and all processes it ran), medians:')
    table(data, sizes, tools, 'max_rss_kb', 'Peak RSS of the largest single process (max over the runs):',
          scenarios=(('full', 'full from clean'), ('noop', 'no-op')), unit=lambda x: f'{x / 1024:.1f} MB' if x else '–')
    return 0


if __name__ == '__main__':
    sys.exit(main())
