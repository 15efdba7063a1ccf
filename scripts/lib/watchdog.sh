# Sourced by scripts/test.sh: runs a command with a time limit. A command still running at the limit
# is a hang: the threads of every test process are printed (gdb, one line per frame) so that the
# failure names the waiting test, then the command is killed and the step fails.
with_limit() {
    local limit=$1 label=$2
    shift 2
    "$@" &
    local pid=$!
    (
        trap 'exit 0' TERM
        sleep "$limit" & wait $!
        echo "== $label: still running after ${limit}s; threads of the test processes:"
        for test_pid in $(pgrep -f 'PackageTests.xctest' || true); do
            if command -v gdb > /dev/null; then
                gdb -p "$test_pid" -batch -ex 'thread apply all bt 16' 2>/dev/null \
                    | grep -E '^(Thread |#[0-9]+ )' | grep -vE 'clone3|start_thread|_dispatch_worker_thread' | cut -c1-220
            fi
        done
        pkill -KILL -f 'PackageTests.xctest' || true
        kill -TERM "$pid" 2>/dev/null || true
    ) &
    local dog=$!
    local status=0
    wait "$pid" || status=$?
    kill -TERM "$dog" 2>/dev/null || true
    wait "$dog" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then echo "== $label failed (exit $status)"; fi
    return "$status"
}
