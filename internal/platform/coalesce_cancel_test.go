package platform_test

import (
	"context"
	"errors"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// blockingLists is a platform whose lists run until their context ends, reporting when that is.
type blockingLists struct {
	*fakePlatform
	started, cancelled chan struct{}
}

func (b *blockingLists) List(ctx context.Context, _ platform.ListOptions) ([]platform.Record, error) {
	b.started <- struct{}{}
	<-ctx.Done()
	b.cancelled <- struct{}{}
	return nil, ctx.Err()
}

// TestCoalescedListStopsWhenEveryReaderHasGone: the shared list of a refresh runs on the callers'
// behalf, not on a fixed timeout of its own: it is cancelled once the last reader waiting on it
// gives up (Ctrl-C, or the read timeout), and not while another reader still waits.
func TestCoalescedListStopsWhenEveryReaderHasGone(t *testing.T) {
	inner := &blockingLists{fakePlatform: newFakePlatform(t), started: make(chan struct{}, 1), cancelled: make(chan struct{}, 1)}
	c := platform.NewCoalescingClient(inner)
	joined := make(chan struct{}, 2)
	platform.OnJoinedList(c, func() { joined <- struct{}{} })
	first, cancelFirst := context.WithCancel(context.Background())
	second, cancelSecond := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { _, err := c.Get(first, platform.Ref{ID: "a"}); done <- err }()
	<-inner.started
	<-joined
	go func() { _, err := c.Get(second, platform.Ref{ID: "b"}); done <- err }()
	<-joined

	cancelFirst()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("first reader: %v, want context.Canceled", err)
	}
	select {
	case <-inner.cancelled:
		t.Fatal("the list was cancelled while a second reader still waited on it")
	default:
	}
	cancelSecond()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("second reader: %v, want context.Canceled", err)
	}
	<-inner.cancelled // The list ends once nobody waits: the test would hang otherwise.
	if n := inner.count("GET"); n != 0 {
		t.Fatalf("%d reads fell back to one GET each, want none: a failed list must not turn into a stampede", n)
	}
}
