# Doc comments of exported declarations start with their name: after the
# split exported a name, its comment still starts with the old spelling.
import re, sys
special = {'Subqueries': 'subqueryPlanner', 'Aggregator': 'aggregator', 'NowValue': 'now'}
decl = re.compile(r'^(?:func (?:\([^)]*\) )?|type |var |const )([A-Z]\w*)')
changed = 0
for path in sys.argv[1:]:
    lines = open(path).read().split('\n')
    out = False
    for i, l in enumerate(lines):
        m = decl.match(l)
        if not m:
            continue
        name = m.group(1)
        j = i
        while j > 0 and lines[j-1].startswith('//'):
            j -= 1
        if j == i:
            continue
        old = special.get(name, name[0].lower() + name[1:])
        first = lines[j]
        if first.startswith('// ' + old + ' ') or first == '// ' + old or first.startswith('// ' + old + ','):
            lines[j] = '// ' + name + first[3 + len(old):]
            out = True
            changed += 1
    if out:
        open(path, 'w').write('\n'.join(lines))
print(changed, "doc comments")
