package covalence

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// TestReadStatsRollUp: a read started within another counts in both; its
// waits are the union of its requests' waits, not their sum.
func TestReadStatsRollUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, outer := StartRead(context.Background())
		_, inner := StartRead(ctx)
		if inner.root() != outer {
			t.Fatal("the inner read's root is not the outer read")
		}
		inner.add(ReadStats{Requests: 1})
		inner.add(ReadStats{Requests: 1, Retries: 1, RateLimited: 1})
		outer.add(ReadStats{Requests: 1})

		endA := inner.startWait(true)
		time.Sleep(time.Second)
		endB := inner.startWait(false) // overlaps A
		time.Sleep(time.Second)
		endA()
		time.Sleep(time.Second)
		endB()
		time.Sleep(time.Second)
		endC := outer.startWait(false) // still running when Stats is read
		time.Sleep(time.Second)

		for _, c := range []struct {
			rd   *Read
			want ReadStats
		}{
			{inner, ReadStats{Requests: 2, Retries: 1, RateLimited: 1, Waited: 3 * time.Second, RateLimitWait: 2 * time.Second}},
			{outer, ReadStats{Requests: 3, Retries: 1, RateLimited: 1, Waited: 4 * time.Second, RateLimitWait: 2 * time.Second}},
		} {
			if st := c.rd.Stats(); st != c.want {
				t.Errorf("stats %+v, want %+v", st, c.want)
			}
		}
		endC()
	})
}
