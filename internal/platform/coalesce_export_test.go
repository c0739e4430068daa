package platform

// OnJoinedList makes the coalescing client c call f each time a reader has joined a shared list,
// so a test can order its readers without waiting on the clock.
func OnJoinedList(c Client, f func()) { c.(*coalescingClient).joined = f }
