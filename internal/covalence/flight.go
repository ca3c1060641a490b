package covalence

import (
	"context"
	"sync"
)

// flight runs one call per key and keeps its result for the life of the
// client: concurrent callers share the call in progress, and a failure is
// shared with them but not kept, so a later call tries again.
type flight[V any] struct {
	mu    sync.Mutex
	calls map[string]*flightCall[V]
}

type flightCall[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func (f *flight[V]) do(ctx context.Context, key string, fn func() (V, error)) (V, error) {
	f.mu.Lock()
	if call, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-call.done:
			return call.v, call.err
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	if f.calls == nil {
		f.calls = map[string]*flightCall[V]{}
	}
	call := &flightCall[V]{done: make(chan struct{})}
	f.calls[key] = call
	f.mu.Unlock()

	call.v, call.err = fn()
	if call.err != nil {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
	}
	close(call.done)
	return call.v, call.err
}
