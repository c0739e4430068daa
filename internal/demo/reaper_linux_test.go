package demo

import (
	"errors"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER from linux/prctl.h.
const prSetChildSubreaper = 36

// becomeSubreaper makes every orphaned descendant of the test a child of the test rather than of init,
// so the test can wait for the processes the demo started even after their parents exited.
func becomeSubreaper() error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		return errno
	}
	return nil
}

// awaitDescendants waits, once the script itself has been waited for, until every process it started has
// exited: as their subreaper the test reaps them one by one until it has no child left. It returns what
// running lists then; after limit it returns what is still running and kills it, so a leftover never
// outlives the test.
func awaitDescendants(limit time.Duration, running func() []string) []string {
	reaped := make(chan struct{})
	go func() {
		defer close(reaped)
		for {
			var status syscall.WaitStatus
			if _, err := syscall.Wait4(-1, &status, 0, nil); err != nil && !errors.Is(err, syscall.EINTR) {
				return // ECHILD: no descendant is left.
			}
		}
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-reaped:
		return running()
	case <-timer.C:
	}
	left := running()
	for _, line := range left {
		if pid, err := strconv.Atoi(strings.Fields(line)[0]); err == nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	select {
	case <-reaped:
	case <-time.After(limit):
	}
	return left
}
