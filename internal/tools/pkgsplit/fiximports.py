import re, sys, subprocess
for path in sys.argv[1:]:
    s = open(path).read()
    m = re.search(r'\nimport \(\n(.*?)\n\)\n', s, re.S)
    if not m:
        continue
    body = m.group(1)
    groups = [g.split('\n') for g in body.split('\n\n')]
    def is_std(line):
        q = re.search(r'"([^"]+)"', line)
        return q and '.' not in q.group(1).split('/')[0]
    bad = any(any(is_std(l) for l in g) and any(not is_std(l) and l.strip() and not l.strip().startswith('//') for l in g) for g in groups)
    if not bad:
        continue
    lines = [l for g in groups for l in g if l.strip()]
    if any(l.strip().startswith('//') for l in lines):
        print("skip (comments)", path); continue
    std = sorted(l for l in lines if is_std(l))
    other = sorted(set(l for l in lines if not is_std(l)), key=lambda l: re.search(r'"([^"]+)"', l).group(1))
    nb = '\n'.join(std) + ('\n\n' + '\n'.join(other) if other else '')
    s = s[:m.start(1)] + nb + s[m.end(1):]
    open(path, 'w').write(s)
    print("fixed", path)
