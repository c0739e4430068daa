package platform

import (
	"context"
	"sync"
)

// NewCoalescingClient wraps c so that concurrent reads share one list call per workspace (one per
// platform where there are no workspaces) instead of one request each. Every write through the
// wrapper starts a new generation: a list that began before a write is never served to a read
// that follows it, so a read after a write in the same run is never stale.
func NewCoalescingClient(c Client) Client {
	return &coalescingClient{Client: c, lists: map[string]*listCall{}}
}

type coalescingClient struct {
	Client
	mu         sync.Mutex
	generation uint64
	lists      map[string]*listCall
}

type listCall struct {
	generation uint64
	done       chan struct{}
	records    []Record
	err        error
}

// Get serves the record from the current generation's list of its workspace.
func (c *coalescingClient) Get(ctx context.Context, ref Ref) (Record, error) {
	call := c.list(ref.WorkspaceID)
	select {
	case <-call.done:
	case <-ctx.Done():
		return Record{}, ctx.Err()
	}
	if call.err != nil {
		return c.Client.Get(ctx, ref)
	}
	for _, r := range call.records {
		if r.ID == ref.ID {
			return r, nil
		}
	}
	// Only a platform read through its list, with a known workspace, lists authoritatively for the
	// record; elsewhere a record missing from the list (an import by another form of the id, say)
	// is read directly.
	if spec := c.Client.Spec(); spec.ReadByList && ref.WorkspaceID != "" {
		return Record{}, NotFoundInList(spec, "", ref)
	}
	return c.Client.Get(ctx, ref)
}

// list returns the current generation's list call for the workspace, starting one if needed.
func (c *coalescingClient) list(workspace string) *listCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	if call, ok := c.lists[workspace]; ok && call.generation == c.generation {
		return call
	}
	call := &listCall{generation: c.generation, done: make(chan struct{})}
	c.lists[workspace] = call
	go func() {
		// The list outlives any single caller's context: other reads wait on it too.
		ctx, cancel := context.WithTimeout(context.Background(), DefaultRequestTimeout*2)
		defer cancel()
		call.records, call.err = c.Client.List(ctx, ListOptions{WorkspaceID: workspace})
		close(call.done)
	}()
	return call
}

func (c *coalescingClient) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
}

// Create invalidates listed records before and after the write.
func (c *coalescingClient) Create(ctx context.Context, r Record) (Record, error) {
	c.invalidate()
	defer c.invalidate()
	return c.Client.Create(ctx, r)
}

// Update invalidates listed records before and after the write.
func (c *coalescingClient) Update(ctx context.Context, ref Ref, p Patch) (Record, error) {
	c.invalidate()
	defer c.invalidate()
	return c.Client.Update(ctx, ref, p)
}

// Delete invalidates listed records before and after the write.
func (c *coalescingClient) Delete(ctx context.Context, ref Ref) error {
	c.invalidate()
	defer c.invalidate()
	return c.Client.Delete(ctx, ref)
}

// Unwrap returns the wrapped client.
func (c *coalescingClient) Unwrap() Client { return c.Client }
