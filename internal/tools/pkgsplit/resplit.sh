#!/bin/bash
# resplit.sh DIR: in the scratch worktree DIR (at main's content), redo the
# split's mechanical steps: prep commit, tool for eval, prep commit, tool
# for exec. Each step is committed on the scratch branch.
set -e
# TOOLS holds the pkgsplit binary (go build -o "$TOOLS"/pkgsplit ./internal/tools/pkgsplit) and these scripts.
TOOLS=${TOOLS:?set TOOLS to the directory with pkgsplit and these scripts}
cd "$1"
git cherry-pick c9d5b14 >/dev/null
sed -i 's/\bmonthDays(m time.Month/daysInMonth(m time.Month/; s/^\/\/ monthDays is the number of days in month m/\/\/ daysInMonth is the number of days in month m/; s/min(t.Day(), monthDays(m, y))/min(t.Day(), daysInMonth(m, y))/' planner/interval.go
sed -i 's/monthDays(t.Month(), t.Year())/daysInMonth(t.Month(), t.Year())/; s/day > monthDays(time.Month(month), year)/day > daysInMonth(time.Month(month), year)/' planner/functions_time.go
go build ./planner/
"$TOOLS"/pkgsplit -export subqueryPlanner,aggregator -rename subqueryPlanner=Subqueries,aggregator=Aggregator -move "eval=expr.go,exprtext.go,functions.go,functions_json.go,functions_math.go,functions_more.go,functions_string.go,functions_time.go,registry.go,values.go,numeric.go,cast.go,like.go,interval.go,args.go,limits.go" > /dev/null
gofmt -w planner
git add -A && git commit -qm "resplit: eval"
if ! git cherry-pick 0cee4a4 >/dev/null 2>&1; then
  python3 "$TOOLS"/fixrange.py
  git add -A && GIT_EDITOR=true git cherry-pick --continue >/dev/null
fi
go build ./planner/
EXTRA=""
[ -f planner/slicesize.go ] && EXTRA=",slicesize.go"
"$TOOLS"/pkgsplit -rename "Env.now=NowValue,field.columns=Cols" -move "exec=env.go,rows.go,budget.go,prefetch.go,decode.go,arena.go,scan.go,parallel.go,rangescan.go,pathkeys.go$EXTRA" > /dev/null
gofmt -w planner
python3 "$TOOLS"/fiximports.py $(find planner -name '*.go') > /dev/null
python3 "$TOOLS"/fixdocs.py $(find planner -name '*.go')
sed -i 's|^\t// inSubquery compiles|\t// InSubquery compiles|; s|^\t// scalarSubquery compiles|\t// ScalarSubquery compiles|; s|^\t// exists compiles|\t// Exists compiles|; s|^\t// matchKey reads a GROUP BY|\t// MatchKey reads a GROUP BY|; s|^\t// aggregate compiles an aggregate|\t// Aggregate compiles an aggregate|; s|^\t// groupConcat compiles|\t// GroupConcat compiles|' planner/eval/expr.go
git add -A && git commit -qm "resplit: exec"
echo resplit done
