#!/usr/bin/env python3
"""Re-run the mutants a gremlins run left alive, against the tests of a tree.

usage: remutate.py <gremlins-output.txt> <module-dir> <pkg-dir> <timeout-s> [GOFLAGS]

Reads the LIVED lines of gremlins' text output ("LIVED KIND at file.go:line:col"),
applies each mutation to <module-dir>/<pkg-dir>/file.go (the operator token at
line:col replaced as gremlins v0.6.0 does), runs `go test -failfast ./<pkg-dir>`
(or the packages and flags in $TESTPKGS) and prints KILLED, LIVED or TIMED OUT
per mutant, restoring the file after each. The production code must be the one
gremlins ran on (same lines); only the tests may differ. Run it on a copy
(git archive HEAD | tar -x -C /tmp/tree), never on a working tree you edit.
See TESTING.md.
"""
import os, re, subprocess, sys

NEG = {'==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>'}
BND = {'<': '<=', '<=': '<', '>': '>=', '>=': '>'}
ARI = {'+': '-', '-': '+', '*': '/', '/': '*', '%': '*'}
INC = {'++': '--', '--': '++'}
OPS = {'CONDITIONALS_NEGATION': NEG, 'CONDITIONALS_BOUNDARY': BND,
       'ARITHMETIC_BASE': ARI, 'INVERT_NEGATIVES': {'-': '+'}, 'INCREMENT_DECREMENT': INC}

out, mod, pkg, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
env = dict(os.environ)
if len(sys.argv) > 5:
    env['GOFLAGS'] = sys.argv[5]
lived = re.findall(r'^\s*LIVED (\w+) at ([\w.]+):(\d+):(\d+)', open(out).read(), re.M)
for kind, f, line, col in lived:
    path = os.path.join(mod, pkg, f)
    src = open(path, 'rb').read()
    lines = src.split(b'\n')
    l, c = int(line) - 1, int(col) - 1
    text = lines[l].decode()
    op = None
    for cand in sorted(OPS[kind], key=len, reverse=True):
        if text[c:c + len(cand)] == cand:
            op = cand
            break
    if op is None:
        print(f'SKIPPED {kind} at {f}:{line}:{col} (no operator at {text[c:c+3]!r})', flush=True)
        continue
    lines[l] = (text[:c] + OPS[kind][op] + text[c + len(op):]).encode()
    open(path, 'wb').write(b'\n'.join(lines))
    try:
        cmd = ['go', 'test', '-count=1', '-failfast', './' + pkg]
        if os.environ.get('TESTPKGS'):  # e.g. "-run Proxy|Squid ./internal/rest ./driver"
            cmd = ['go', 'test', '-count=1', '-failfast'] + os.environ['TESTPKGS'].split()
        r = subprocess.run(cmd, cwd=mod, env=env,
                           capture_output=True, timeout=timeout)
        status = 'KILLED' if r.returncode == 1 else ('LIVED' if r.returncode == 0 else f'ERROR({r.returncode})')
        if r.returncode not in (0, 1):
            print(r.stdout.decode()[-300:], r.stderr.decode()[-300:])
    except subprocess.TimeoutExpired:
        status = 'TIMED OUT'
    finally:
        open(path, 'wb').write(src)
    print(f'{status:>10} {kind} at {f}:{line}:{col} ({op} -> {OPS[kind][op]})', flush=True)
