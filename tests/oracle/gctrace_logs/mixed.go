// mixed.go: a program whose output and GC traces land in one file, for the gctrace
// reader's tests. Run: GODEBUG=gctrace=1,scavtrace=1 GOGC=100 GOMAXPROCS=1 ./mixed > mixed.log 2>&1
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
)

var sink []byte

func main() {
	var kept [][]byte
	for i := 0; i < 12; i++ {
		kept = append(kept, make([]byte, 1<<20))
		for j := 0; j < 32; j++ {
			sink = make([]byte, 64<<10)
		}
		fmt.Printf("iteration %d: kept %d MiB\n", i, len(kept))
		if i%4 == 3 {
			fmt.Print("progress: ") // no newline: the next gctrace line follows on this line
			runtime.GC()
			fmt.Println()
		}
	}
	kept = nil
	debug.FreeOSMemory()
	fmt.Fprintln(os.Stderr, "done")
}
