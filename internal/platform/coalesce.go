package platform

import (
	"context"
	"strings"
	"sync"
	"time"
)

// NewCoalescingClient wraps c so that concurrent reads share one list call per workspace (one per
// platform where there are no workspaces) instead of one request each. Every write through the
// wrapper starts a new generation: a list that began before a write is never served to a read
// that follows it, so a read after a write in the same run is never stale.
//
// It also serves the create flow's extra reads from lists shared by every create of the run: the
// existence check before an upsert (one list per workspace, confirmed by a direct read only when
// it finds a match) and the read-back of an id-only create answer (batched: the creates running
// in parallel share one list, see readBackQueue).
func NewCoalescingClient(c Client) Client {
	return &coalescingClient{
		Client: c, lists: map[string]*listCall{}, snapshots: map[string]*listCall{},
		createdKeys: map[string]bool{}, deletedIDs: map[string]bool{},
	}
}

type coalescingClient struct {
	Client
	mu         sync.Mutex
	generation uint64
	lists      map[string]*listCall
	// snapshots are the lists the existence checks share, one per workspace for the whole run;
	// createdKeys and deletedIDs are what this client changed since they were taken.
	snapshots   map[string]*listCall
	createdKeys map[string]bool
	deletedIDs  map[string]bool
	readBacks   readBackQueue
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
	call := c.startList(workspace, c.generation)
	c.lists[workspace] = call
	return call
}

// startList starts a list call of the workspace. The list outlives any single caller's context:
// other reads wait on it too.
func (c *coalescingClient) startList(workspace string, generation uint64) *listCall {
	call := &listCall{generation: generation, done: make(chan struct{})}
	go func() {
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

// Create invalidates listed records before and after the write, and remembers the unique key it
// took for later existence checks.
func (c *coalescingClient) Create(ctx context.Context, r Record) (Record, error) {
	c.invalidate()
	defer c.invalidate()
	readsBack := c.Client.Spec().Create.AnswerHoldsIDOnly
	if readsBack {
		c.mu.Lock()
		c.readBacks.creating++
		c.mu.Unlock()
	}
	created, err := c.Client.Create(ctx, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil || created.ID != "" {
		c.createdKeys[c.keyOf(r)] = true
		delete(c.deletedIDs, created.ID)
	}
	if readsBack {
		c.readBacks.creating--
		if err != nil {
			// No read-back follows a failed create, so the list it held back may start. A create
			// that succeeded starts it from its read-back, which joins the list first.
			c.startReadBackIfReady()
		}
	}
	return created, err
}

// Update invalidates listed records before and after the write.
func (c *coalescingClient) Update(ctx context.Context, ref Ref, p Patch) (Record, error) {
	c.invalidate()
	defer c.invalidate()
	return c.Client.Update(ctx, ref, p)
}

// Delete invalidates listed records before and after the write, and remembers the deleted id
// for later existence checks.
func (c *coalescingClient) Delete(ctx context.Context, ref Ref) error {
	c.invalidate()
	defer c.invalidate()
	err := c.Client.Delete(ctx, ref)
	if err == nil {
		c.mu.Lock()
		c.deletedIDs[ref.ID] = true
		if c.Client.Spec().UniqueKeyIsID {
			delete(c.createdKeys, c.fold(ref.ID))
		}
		c.mu.Unlock()
	}
	return err
}

// keyOf is the record's unique key as the platform compares it.
func (c *coalescingClient) keyOf(r Record) string {
	return c.fold(r.KeyValue(c.Client.Spec().UniqueKey))
}

func (c *coalescingClient) fold(key string) string {
	spec := c.Client.Spec()
	if spec.Fields[spec.UniqueKey].FoldCase {
		return strings.ToLower(key)
	}
	return key
}

// checkExisting tells whether a record with r's unique key exists, from one list per workspace
// shared by every check of the run and what this client has created and deleted since. A match
// is confirmed by a direct lookup, so a record deleted out of band after the list was taken never
// blocks a create; a record created out of band after it is caught by the create itself, whose
// answer says when it changed an existing record (Spec.Create.ExpectStatus).
func (c *coalescingClient) checkExisting(ctx context.Context, r Record) (Record, bool, error) {
	key, workspace := c.keyOf(r), r.WorkspaceID
	c.mu.Lock()
	snap, ok := c.snapshots[workspace]
	if !ok {
		snap = c.startList(workspace, 0)
		c.snapshots[workspace] = snap
	}
	c.mu.Unlock()
	select {
	case <-snap.done:
	case <-ctx.Done():
		return Record{}, false, ctx.Err()
	}
	if snap.err != nil {
		return FindExisting(ctx, c.Client, r)
	}
	c.mu.Lock()
	seen := c.createdKeys[key]
	for _, rec := range snap.records {
		if c.keyOf(rec) == key && !c.deletedIDs[rec.ID] {
			seen = true
		}
	}
	c.mu.Unlock()
	if !seen {
		return Record{}, false, nil
	}
	return FindExisting(ctx, c.Client, r)
}

// readBackQueue batches the read-backs: at most one list in flight, and the reads that arrive
// meanwhile wait for the next one. The next list starts when the one in flight has ended and no
// create whose answer needs reading back is still in flight: those creates' read-backs are about
// to join it, so a whole wave of parallel creates shares one list rather than each taking its own.
// A create that takes long (retries, say) holds the others back at most readBackMaxWait. A list
// that began before a create finished never serves that create's read-back. The lists span every
// workspace the token can see, so creates in different workspaces share them too.
type readBackQueue struct {
	inFlight, next *listCall
	// creating counts the creates in flight whose answers will need reading back; overdue is set
	// when the next list has waited readBackMaxWait for them.
	creating int
	overdue  bool
}

// readBackMaxWait is the longest a read-back waits for creates still in flight to join its list.
const readBackMaxWait = 250 * time.Millisecond

// readBack reads a record its create just made, from a list that began after the create ended.
func (c *coalescingClient) readBack(ctx context.Context, ref Ref) (Record, error) {
	c.mu.Lock()
	q := &c.readBacks
	call := q.next
	if call == nil {
		call = &listCall{done: make(chan struct{})}
		q.next, q.overdue = call, false
		time.AfterFunc(readBackMaxWait, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if q.next == call {
				q.overdue = true
				c.startReadBackIfReady()
			}
		})
	}
	c.startReadBackIfReady()
	c.mu.Unlock()
	select {
	case <-call.done:
	case <-ctx.Done():
		return Record{}, ctx.Err()
	}
	if call.err == nil {
		for _, r := range call.records {
			if r.ID == ref.ID {
				return r, nil
			}
		}
	}
	return c.Client.Get(ctx, ref)
}

// startReadBackIfReady starts the waiting read-back list when none is in flight and no create
// that will join it is still running (or it waited long enough). The caller holds c.mu.
func (c *coalescingClient) startReadBackIfReady() {
	q := &c.readBacks
	call := q.next
	if call == nil || q.inFlight != nil || (q.creating > 0 && !q.overdue) {
		return
	}
	q.inFlight, q.next = call, nil
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), DefaultRequestTimeout*2)
		call.records, call.err = c.Client.List(ctx, ListOptions{})
		cancel()
		close(call.done)
		c.mu.Lock()
		defer c.mu.Unlock()
		q.inFlight = nil
		c.startReadBackIfReady()
	}()
}

// Unwrap returns the wrapped client.
func (c *coalescingClient) Unwrap() Client { return c.Client }
