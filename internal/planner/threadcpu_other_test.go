//go:build !linux

package planner

import "time"

// threadCPU is not measured off Linux: the figures from it read 0.
func threadCPU() time.Duration { return 0 }
