package main

import (
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: Linux always reports them in 1/100 s
// to user space, whatever the kernel's own tick rate.
const userHZ = 100

// splitCPUAtExit waits until the process has exited without reaping it, then reads from its
// /proc entry, still there while it is a zombie, the CPU time it used itself and the CPU time of
// the children it reaped (for terraform: its provider processes). The caller reaps it after.
func splitCPUAtExit(pid int) (own, children time.Duration, ok bool) {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err == nil {
			break
		}
		if err != unix.EINTR {
			return 0, 0, false
		}
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	closing := strings.LastIndexByte(string(b), ')')
	if closing < 0 {
		return 0, 0, false
	}
	// The fields after the command name start at field 3 (state); utime, stime, cutime and
	// cstime are fields 14 to 17.
	rest := strings.Fields(string(b[closing+1:]))
	if len(rest) < 15 {
		return 0, 0, false
	}
	var ticks [4]int64
	for i := range ticks {
		n, err := strconv.ParseInt(rest[11+i], 10, 64)
		if err != nil {
			return 0, 0, false
		}
		ticks[i] = n
	}
	tick := time.Second / userHZ
	return time.Duration(ticks[0]+ticks[1]) * tick, time.Duration(ticks[2]+ticks[3]) * tick, true
}
