package platform

import (
	"context"
	"errors"
	"sync"
	"time"
)

// NewCoalescingClient wraps c so that concurrent reads share one list call per workspace (one per
// platform where there are no workspaces) instead of one request each. Every write through the
// wrapper starts a new generation: a list that began before a write is never served to a read
// that follows it, so a read after a write in the same run is never stale.
//
// It also serves the create flow's extra reads from lists shared by every create of the run:
// Existing (one list per workspace for the whole run, kept up to date with what this client
// creates and deletes) and ReadBack (batched: the creates running in parallel share one list,
// see readBackQueue).
//
// Shared lists run on a context of their own that keeps the first caller's values (log masks)
// and is cancelled once every caller waiting on it has gone, so a cancelled run stops them; the
// HTTP layer's request timeout and retries bound them as any request.
func NewCoalescingClient(c Client) Client {
	return &coalescingClient{
		Client: c, lists: map[string]*listCall{}, known: map[string]*knownRecords{}, readBacks: map[string]*readBackQueue{},
		readBackWait: readBackMaxWait,
	}
}

type coalescingClient struct {
	Client
	mu         sync.Mutex
	generation uint64
	lists      map[string]*listCall
	// known holds, per workspace, the run's records for the existence checks.
	known map[string]*knownRecords
	// readBacks holds one read-back queue per workspace; creating counts the creates in flight,
	// and awaitingReadBack those that answered with the id alone and have not yet joined their
	// read-back: both are about to join the next read-back list.
	readBacks        map[string]*readBackQueue
	creating         int
	awaitingReadBack int
	// joined, when set (tests), is called each time a reader has joined a shared list or a
	// read-back list.
	joined func()
	// readBackWait is how long a read-back waits for the creates in flight (readBackMaxWait;
	// tests set their own).
	readBackWait time.Duration
}

// knownRecords is a workspace's list taken at the run's first create, and what this client
// created and deleted since.
type knownRecords struct {
	list    *listCall
	created []Record
	deleted map[string]bool
}

// listCall is one list shared by its waiters.
type listCall struct {
	generation uint64
	done       chan struct{}
	records    []Record
	err        error
	// waiters counts the callers waiting on it; when the last one gives up, cancel stops the list
	// and abandoned keeps later callers from joining a list that is being stopped.
	waiters   int
	cancel    context.CancelFunc
	abandoned bool
}

// wait waits for the list or the caller's context; the last waiter to give up cancels the list.
func (c *coalescingClient) wait(ctx context.Context, call *listCall) error {
	select {
	case <-call.done:
		return call.err
	case <-ctx.Done():
		c.mu.Lock()
		call.waiters--
		if call.waiters == 0 && call.cancel != nil {
			call.abandoned = true
			call.cancel()
		}
		c.mu.Unlock()
		return ctx.Err()
	}
}

// Get serves the record from the current generation's list of its workspace.
func (c *coalescingClient) Get(ctx context.Context, ref Ref) (Record, error) {
	call := c.list(ctx, ref.WorkspaceID)
	if err := c.wait(ctx, call); err != nil {
		if ctx.Err() != nil || !listRefused(err) {
			return Record{}, err
		}
		// The list itself is refused (a token allowed to read records one by one, say).
		return c.Client.Get(ctx, ref)
	}
	for _, r := range call.records {
		if r.ID == ref.ID {
			return r, nil
		}
	}
	// A record missing from the list (deleted, or imported by another form of its id) is read
	// directly, which says which.
	return c.Client.Get(ctx, ref)
}

// listRefused reports a list that the platform refused outright: reading one record at a time
// may still work. A slow or failing list is not retried one record at a time, which would turn
// one failing call into a stampede of them.
func listRefused(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.Kind {
	case KindPermission, KindNotFound, KindValidation:
		return true
	}
	return false
}

// list returns the current generation's list call for the workspace, starting one if needed,
// and counts the caller as its waiter.
func (c *coalescingClient) list(ctx context.Context, workspace string) *listCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	call, ok := c.lists[workspace]
	if !ok || call.generation != c.generation || call.abandoned || isDone(call) && call.err != nil {
		call = c.startList(ctx, workspace, c.generation)
		c.lists[workspace] = call
	}
	call.waiters++
	if c.joined != nil {
		c.joined()
	}
	return call
}

// startList starts a list call of the workspace on a context of its own (see
// NewCoalescingClient). The caller holds c.mu and counts itself as a waiter.
func (c *coalescingClient) startList(ctx context.Context, workspace string, generation uint64) *listCall {
	listCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	call := &listCall{generation: generation, done: make(chan struct{}), cancel: cancel}
	go func() {
		defer cancel()
		call.records, call.err = c.Client.List(listCtx, ListOptions{WorkspaceID: workspace})
		close(call.done)
	}()
	return call
}

func (c *coalescingClient) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
}

// Create invalidates listed records before and after the write, and adds what it made to the
// records the run knows.
func (c *coalescingClient) Create(ctx context.Context, r Record) (Record, error) {
	c.invalidate()
	defer c.invalidate()
	c.mu.Lock()
	c.creating++
	c.mu.Unlock()
	created, err := c.Client.Create(ctx, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		made := Merge(r, created)
		made.ID = created.ID
		c.knownIn(r.WorkspaceID).created = append(c.knownIn(r.WorkspaceID).created, made)
	}
	c.creating--
	if err == nil && len(created.Returned) == 0 {
		c.awaitingReadBack++
	}
	// A create that needs no read-back (or failed) no longer holds back the lists that the others'
	// read-backs wait for. One that needs it starts the list from its read-back, which joins first.
	if err != nil || len(created.Returned) > 0 {
		c.startReadBacksIfReady()
	}
	return created, err
}

// Update invalidates listed records before and after the write.
func (c *coalescingClient) Update(ctx context.Context, ref Ref, p Patch) (Record, error) {
	c.invalidate()
	defer c.invalidate()
	return c.Client.Update(ctx, ref, p)
}

// Delete invalidates listed records before and after the write, and takes the deleted record
// out of the records the run knows.
func (c *coalescingClient) Delete(ctx context.Context, ref Ref) error {
	c.invalidate()
	defer c.invalidate()
	err := c.Client.Delete(ctx, ref)
	if err == nil {
		c.mu.Lock()
		for _, k := range c.known {
			k.deleted[ref.ID] = true
		}
		c.mu.Unlock()
	}
	return err
}

// knownIn returns the workspace's known records, creating the entry. The caller holds c.mu.
func (c *coalescingClient) knownIn(workspace string) *knownRecords {
	k, ok := c.known[workspace]
	if !ok {
		k = &knownRecords{deleted: map[string]bool{}}
		c.known[workspace] = k
	}
	return k
}

// Existing lists the workspace's records as the run knows them: one list taken at the first
// check, without what this client deleted since and with what it created. A list that failed is
// taken again by the next check.
func (c *coalescingClient) Existing(ctx context.Context, workspace string) ([]Record, error) {
	c.mu.Lock()
	k := c.knownIn(workspace)
	if k.list == nil || k.list.abandoned || (k.list.waiters == 0 && isDone(k.list) && k.list.err != nil) {
		k.list = c.startList(ctx, workspace, 0)
	}
	call := k.list
	call.waiters++
	c.mu.Unlock()
	if err := c.wait(ctx, call); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Record, 0, len(call.records)+len(k.created))
	for _, rec := range call.records {
		if !k.deleted[rec.ID] {
			out = append(out, rec)
		}
	}
	for _, rec := range k.created {
		if !k.deleted[rec.ID] {
			out = append(out, rec)
		}
	}
	return out, nil
}

func isDone(call *listCall) bool {
	select {
	case <-call.done:
		return true
	default:
		return false
	}
}

// readBackQueue batches the read-backs of one workspace: at most one list in flight, and the
// reads that arrive meanwhile wait for the next one. The next list starts when the one in flight
// has ended and no create is still in flight: their read-backs are about to join it, so a whole
// wave of parallel creates shares one list rather than each taking its own. A create that takes
// long (retries, say) holds the others back at most readBackMaxWait. A list that began before a
// create finished never serves that create's read-back. Each workspace has its own queue, since
// a platform with workspaces lists one at a time (flashback's list requires its workspaceId).
type readBackQueue struct {
	workspace      string
	inFlight, next *listCall
	// overdue is set when the next list has waited readBackMaxWait for the creates in flight.
	overdue bool
	// nextCtx is the context of the first read-back waiting for the next list.
	nextCtx context.Context
}

// readBackMaxWait is the longest a read-back waits for creates still in flight to join its list.
const readBackMaxWait = 250 * time.Millisecond

// ReadBack reads a record its create just made, from a list that began after the create ended.
func (c *coalescingClient) ReadBack(ctx context.Context, ref Ref) (Record, error) {
	c.mu.Lock()
	if c.awaitingReadBack > 0 {
		c.awaitingReadBack--
	}
	q, ok := c.readBacks[ref.WorkspaceID]
	if !ok {
		q = &readBackQueue{workspace: ref.WorkspaceID}
		c.readBacks[ref.WorkspaceID] = q
	}
	call := q.next
	if call == nil {
		call = &listCall{done: make(chan struct{})}
		q.next, q.overdue, q.nextCtx = call, false, ctx
		time.AfterFunc(c.readBackWait, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if q.next == call {
				q.overdue = true
				c.startReadBackIfReady(q)
			}
		})
	}
	call.waiters++
	if c.joined != nil {
		c.joined()
	}
	// This read-back no longer holds back the lists of other workspaces either.
	c.startReadBacksIfReady()
	c.mu.Unlock()
	if err := c.wait(ctx, call); err == nil {
		for _, r := range call.records {
			if r.ID == ref.ID {
				return r, nil
			}
		}
	} else if ctx.Err() != nil {
		return Record{}, err
	}
	return c.Client.Get(ctx, ref)
}

// startReadBacksIfReady starts every workspace's waiting read-back list that is ready. The
// caller holds c.mu.
func (c *coalescingClient) startReadBacksIfReady() {
	for _, q := range c.readBacks {
		c.startReadBackIfReady(q)
	}
}

// startReadBackIfReady starts the workspace's waiting read-back list when none is in flight and
// no create that will join it is still running (or it waited long enough). The caller holds c.mu.
func (c *coalescingClient) startReadBackIfReady(q *readBackQueue) {
	call := q.next
	if call == nil || q.inFlight != nil || ((c.creating > 0 || c.awaitingReadBack > 0) && !q.overdue) {
		return
	}
	listCtx, cancel := context.WithCancel(context.WithoutCancel(q.nextCtx))
	call.cancel = cancel
	if call.waiters == 0 {
		cancel()
	}
	q.inFlight, q.next, q.nextCtx = call, nil, nil
	go func() {
		call.records, call.err = c.Client.List(listCtx, ListOptions{WorkspaceID: q.workspace})
		cancel()
		close(call.done)
		c.mu.Lock()
		defer c.mu.Unlock()
		q.inFlight = nil
		c.startReadBackIfReady(q)
	}()
}
