package podc

/*
#include <stddef.h>
#include <stdint.h>
*/
import "C"

import (
	"context"
	"runtime/cgo"
	"sync"
)

// progressState is what a C progress callback reaches through its userdata (a cgo.Handle):
// the caller's function and context. A panic in the function must not unwind through C: it
// is recovered, the callback returns non-zero (the library then stops and cleans up), and the
// panic is raised again in the caller's goroutine once the C call has returned. Calls of the
// function are serialised (DataStorage reports from several library threads).
type progressState struct {
	ctx context.Context
	fn  func(line string)

	mu       sync.Mutex
	panicked bool
	panicVal interface{}
}

func newProgress(ctx context.Context, fn func(string)) (*progressState, cgo.Handle) {
	if ctx == nil {
		ctx = context.Background()
	}
	p := &progressState{ctx: ctx, fn: fn}
	return p, cgo.NewHandle(p)
}

// call runs the function for one line; non-zero asks the library to stop.
func (p *progressState) call(line string) (rc C.int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.panicked {
		return 1
	}
	if p.fn != nil {
		defer func() {
			if r := recover(); r != nil {
				p.panicked, p.panicVal = true, r
				rc = 1
			}
		}()
		p.fn(line)
	}
	if p.ctx.Err() != nil {
		return 1
	}
	return 0
}

// repanic raises the function's panic, if there was one, in the calling goroutine.
func (p *progressState) repanic() {
	p.mu.Lock()
	panicked, v := p.panicked, p.panicVal
	p.mu.Unlock()
	if panicked {
		panic(v)
	}
}

func (p *progressState) didPanic() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.panicked
}

//export podcGoProgress
func podcGoProgress(line *C.char, h C.uintptr_t) C.int {
	p, ok := cgo.Handle(h).Value().(*progressState)
	if !ok {
		return 1
	}
	return p.call(C.GoString(line))
}

// podcGoData is podcGoProgress for a podc_data_cb (pull and push progress: one line per call,
// without the newline, data not necessarily NUL-terminated).
//
//export podcGoData
func podcGoData(data *C.char, n C.size_t, h C.uintptr_t) C.int {
	p, ok := cgo.Handle(h).Value().(*progressState)
	if !ok {
		return 1
	}
	return p.call(C.GoStringN(data, C.int(n)))
}
