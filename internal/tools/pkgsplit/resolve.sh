#!/bin/bash
# resolve2.sh RSB RSM: inside the split worktree during "git merge main".
# RSB is resplit.sh run on the merge base, RSM on main: their difference is
# main's change in the split's layout. Each file it touches gets a 3-way
# merge of (split HEAD, RSB, RSM); leftovers at pre-split paths are removed.
RSB=$1; RSM=$2
tmp=$(mktemp -d)
has() { git cat-file -e "$1:$2" 2>/dev/null; }
for f in $(git diff --name-only $RSB $RSM -- planner); do
  if ! has $RSM $f; then
    if has HEAD $f; then git rm -q -f "$f"; echo "deleted by main: $f"; fi
    continue
  fi
  mkdir -p "$(dirname $f)"
  if ! has HEAD $f; then
    if has $RSB $f; then echo "MANUAL (gone here, changed on main): $f"; continue; fi
    git show $RSM:$f > "$f"; git add "$f"; echo "added: $f"; continue
  fi
  git show HEAD:$f > $tmp/ours
  if has $RSB $f; then git show $RSB:$f > $tmp/base; else : > $tmp/base; fi
  git show $RSM:$f > $tmp/theirs
  if git merge-file -p $tmp/ours $tmp/base $tmp/theirs > "$f"; then
    git add "$f"; echo "merged: $f"
  else
    echo "CONFLICT: $f"
  fi
done
# files the textual merge left at pre-split paths
for f in $(git status --porcelain -- planner | awk '{print $NF}'); do
  if ! has HEAD $f && ! has $RSM $f; then git rm -q -f "$f" 2>/dev/null || rm -f "$f"; echo "leftover removed: $f"; fi
done
rm -rf $tmp
