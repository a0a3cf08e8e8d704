#!/usr/bin/env bash
# Drive `aksiso --demo` in tmux at 100x32 the way a person would: keys only (send-keys), reading
# the screen (capture-pane) between steps. From a fresh state directory to a verified cluster,
# then the demo clean-up. Captures go to $OUT (default: ./tmux-demo), one text file per stop.
#
#   scripts/tmux_demo.sh            # needs tmux and aksiso on PATH (or AKSISO=path/to/aksiso)
set -euo pipefail

AKSISO=${AKSISO:-aksiso}
OUT=${OUT:-tmux-demo}
SESSION=aksiso-demo-$$
STATE=$(mktemp -d)
mkdir -p "$OUT"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$STATE"' EXIT

capture() { tmux capture-pane -p -t "$SESSION" > "$OUT/$1.txt"; echo "--- $1"; cat "$OUT/$1.txt"; }

wait_for() {  # wait_for TEXT [SECONDS]: poll the screen until TEXT shows
  local text=$1 limit=${2:-30} waited=0
  until tmux capture-pane -p -t "$SESSION" | grep -qF -- "$text"; do
    sleep 0.2
    waited=$((waited + 1))
    if [ $waited -ge $((limit * 5)) ]; then
      echo "timed out waiting for: $text" >&2
      tmux capture-pane -p -t "$SESSION" >&2
      exit 1
    fi
  done
}

keys() { tmux send-keys -t "$SESSION" "$@"; sleep 0.3; }

tmux new-session -d -s "$SESSION" -x 100 -y 32 \
  "AKSISO_STATE_DIR=$STATE TERM=xterm-256color $AKSISO --demo"
wait_for "What do you want to do?" 10
capture 01-welcome

keys Enter                                   # Create a network isolated cluster
wait_for "Azure: where the cluster goes"
wait_for "no sign-in needed" 20              # the embedded emulator is up
keys Down; keys Enter                        # the emulator's subscription, listed live
keys Tab; keys Tab; keys -l rg-tmux-demo     # resource group (Tab passes the open list)
keys Tab; keys -l swedencentral              # location (the filtered-out list is skipped)
capture 02-azure
for step in "Registry" "API server" "Outbound" "Network" "Hub" "Review the plan"; do
  keys C-n
done
wait_for "Review the plan"
capture 03-review

keys C-n                                     # Apply… asks first
wait_for "Apply the plan?"
capture 04-confirm
keys Tab; keys Enter                         # Apply
wait_for "Running" 20
capture 05-panel-running
wait_for "Verify & summary" 180
capture 06-summary

keys d                                       # clean up what the demo created
wait_for "Clean up the demo?"
keys Tab; keys Enter
wait_for "Everything this session created is gone." 120
capture 07-cleaned-up
keys q
echo "done: captures in $OUT"
