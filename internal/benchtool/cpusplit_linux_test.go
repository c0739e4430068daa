package main

import (
	"os/exec"
	"testing"
	"time"
)

// TestSplitCPUAtExitSeparatesParentAndReapedChild runs a shell that spins, then runs a child
// shell that spins about as long and reaps it: both halves are measured, they add up to what
// wait4 reports, and the process is still there to be reaped with its exit status.
func TestSplitCPUAtExitSeparatesParentAndReapedChild(t *testing.T) {
	spin := `i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done`
	// The trailing "; exit 3" keeps sh from exec'ing the child in its own place.
	cmd := exec.Command("sh", "-c", spin+"; sh -c '"+spin+"'; exit 3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	own, children, ok := splitCPUAtExit(cmd.Process.Pid)
	err := cmd.Wait()
	if exit, isExit := err.(*exec.ExitError); !isExit || exit.ExitCode() != 3 {
		t.Fatalf("Wait after the split = %v; want exit status 3 (the process was not reaped by the split)", err)
	}
	if !ok {
		t.Fatal("split not measured")
	}
	if own < 50*time.Millisecond || children < 50*time.Millisecond {
		t.Fatalf("own %v, children %v; want each the CPU of one spin loop, well over 50ms", own, children)
	}
	total := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	// /proc counts in 10 ms ticks, rusage in microseconds: allow a few ticks either way.
	if diff := (own + children - total).Abs(); diff > 40*time.Millisecond {
		t.Errorf("own %v + children %v = %v; wait4 says %v", own, children, own+children, total)
	}
}

func TestSplitCPUAtExitOfNoSuchProcess(t *testing.T) {
	if _, _, ok := splitCPUAtExit(1 << 30); ok {
		t.Fatal("split of a pid that cannot exist reported ok")
	}
}
