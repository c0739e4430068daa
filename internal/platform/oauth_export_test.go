package platform

import "time"

// SetClock makes c decide when to renew its token by now, so a test moves time instead of
// waiting for it.
func SetClock(c *ClientCredentials, now func() time.Time) {
	c.lock <- struct{}{}
	defer c.release()
	c.now = now
}
