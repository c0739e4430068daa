package platform

import "time"

// OnJoinedList makes the coalescing client c call f each time a reader has joined a shared list
// or a read-back list, so a test can order its readers without waiting on the clock. f runs with
// the client's lock held: it must not block.
func OnJoinedList(c Client, f func()) { c.(*coalescingClient).joined = f }

// SetReadBackMaxWait sets how long c's read-backs wait for the creates in flight, so a test
// decides whether that wait ends rather than the machine's speed.
func SetReadBackMaxWait(c Client, d time.Duration) {
	cc := c.(*coalescingClient)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.readBackWait = d
}
