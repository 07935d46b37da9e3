// Command pkgsplit moves files of one Go package (planner) into
// sub-packages, exporting the identifiers that cross the new boundary
// (package-level names, methods, fields; the methods of types implementing
// an exported sub-package interface), qualifying their uses, adding the
// imports and moving the files with git mv. It type-checks the package
// first and refuses, listing them, upward references (a moved file using
// one that stays), methods declared apart from their type, name collisions
// and locals that would hide the new package name.
//
// It split planner into planner/eval and planner/exec (issue 9), and it is
// kept for one job: merging a branch that changed planner on the old
// layout. Such a merge replays the branch's change in the new layout:
//
//	go build -o $TOOLS/pkgsplit ./internal/tools/pkgsplit
//	cp internal/tools/pkgsplit/*.sh internal/tools/pkgsplit/*.py $TOOLS
//	# the split of the merge base and of the branch, each in a scratch worktree
//	git worktree add -b rs-base /tmp/rs-base <merge base on the old layout>
//	git worktree add -b rs-branch /tmp/rs-branch <branch>
//	TOOLS=$TOOLS $TOOLS/resplit.sh /tmp/rs-base
//	TOOLS=$TOOLS $TOOLS/resplit.sh /tmp/rs-branch
//	# then, in the worktree on the new layout:
//	git merge <branch>
//	$TOOLS/resolve.sh rs-base rs-branch   # 3-way merge per file, in the new layout
//	go build ./... && go test ./planner/... ./driver/
//
// resplit.sh redoes the split's steps (the two commits that prepared each
// move, then this command) on the scratch worktree's content; resolve.sh
// merges, for every file the two resplit trees differ in, (this branch,
// resplit of the base, resplit of the branch), and removes what the
// textual merge left at old paths. The split's own later edits are kept
// because they are "ours" in that 3-way merge.
package main
