//go:build unix

package doratest

import (
	"syscall"
	"time"
)

// usage is the process's CPU time so far and its peak resident memory in bytes, so a benchmark
// can report figures that a busy machine does not distort as much as wall time.
func usage() (cpu time.Duration, peakRSS int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Maxrss * 1024 // Linux reports KiB
}
