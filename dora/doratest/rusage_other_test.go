//go:build !unix

package doratest

import "time"

func usage() (cpu time.Duration, peakRSS int64) { return 0, 0 }
