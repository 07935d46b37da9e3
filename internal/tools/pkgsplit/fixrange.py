# Resolve the conflict in planner/rangescan.go from cherry-picking 0cee4a4:
# the explain method main changed moves to scanplan.go as explainRangeScan.
import re, sys
s = open('planner/rangescan.go').read()
m = re.search(r'<<<<<<< [^\n]*\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n', s, re.S)
ours, theirs = m.group(1), m.group(2)
assert theirs.strip() == '', theirs
s = s[:m.start()] + s[m.end():]
assert '<<<<<<<' not in s
open('planner/rangescan.go', 'w').write(s)
i = ours.index('func (r *rangeScan) explain(x *explainer, prefix, notes string) {')
body = ours[i:].rstrip() + '\n'
body = body.replace('func (r *rangeScan) explain(x *explainer, prefix, notes string) {', 'func explainRangeScan(x *explainer, r *rangeScan, prefix, notes string) {')
p = open('planner/scanplan.go').read()
j = p.index('func explainRangeScan(x *explainer, r *rangeScan, prefix, notes string) {')
k = p.index('\n}\n', j) + 3
p = p[:j] + body + p[k:]
open('planner/scanplan.go', 'w').write(p)
print("rangescan explain moved")
