package platform_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// fakeClient is an in-memory platform.Client that counts its calls. A List takes its snapshot
// when it starts and then waits at the gate its number maps to, so tests can hold a list in flight.
type fakeClient struct {
	name platform.Name
	// spec, when set, replaces the spec made from name (records unique by name).
	spec *platform.Spec
	// createAnswersIDOnly makes Create answer the id alone, as an id-only platform does.
	createAnswersIDOnly bool
	// createTurns, when set, makes each Create wait for a value from it before it answers;
	// failCreate makes the Create of that id fail; the Create of holdCreate waits for holdRelease.
	createTurns            chan struct{}
	failCreate, holdCreate string
	holdRelease            chan struct{}

	mu      sync.Mutex
	records []platform.Record
	listErr error
	// gates holds, per list call number (1-based), a channel the call waits on before returning.
	gates    map[int32]chan struct{}
	listOpts []platform.ListOptions

	lists, gets, creates, updates, deletes atomic.Int32
	// listStarted receives the number of each list call once its snapshot is taken;
	// createStarted the id of each create as it begins.
	listStarted   chan int32
	createStarted chan string
}

func newFakeClient(name platform.Name, records ...platform.Record) *fakeClient {
	return &fakeClient{name: name, records: records, gates: map[int32]chan struct{}{}, listStarted: make(chan int32, 100), createStarted: make(chan string, 100)}
}

func (f *fakeClient) Spec() platform.Spec {
	if f.spec != nil {
		return *f.spec
	}
	return platform.Spec{Name: f.name, UniqueKey: platform.FieldName, Fields: map[platform.Field]platform.FieldSpec{
		platform.FieldName: {Wire: "name"}, platform.FieldWorkspaceID: {Wire: "workspace_id"}}}
}

func (f *fakeClient) List(ctx context.Context, opts platform.ListOptions) ([]platform.Record, error) {
	n := f.lists.Add(1)
	f.mu.Lock()
	f.listOpts = append(f.listOpts, opts)
	var snapshot []platform.Record
	for _, r := range f.records {
		if opts.WorkspaceID == "" || r.WorkspaceID == opts.WorkspaceID {
			snapshot = append(snapshot, r)
		}
	}
	err, gate := f.listErr, f.gates[n]
	f.mu.Unlock()
	select {
	case f.listStarted <- n:
	default: // Only the gated tests read it; the others may make more lists than it holds.
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	return snapshot, nil
}

func (f *fakeClient) Get(_ context.Context, ref platform.Ref) (platform.Record, error) {
	f.gets.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.records {
		if r.ID == ref.ID {
			return r, nil
		}
	}
	return platform.Record{}, &platform.APIError{Platform: f.name, Kind: platform.KindNotFound, Status: 404, Message: "no " + ref.ID}
}

func (f *fakeClient) Create(_ context.Context, r platform.Record) (platform.Record, error) {
	f.creates.Add(1)
	select {
	case f.createStarted <- r.ID:
	default:
	}
	if f.createTurns != nil {
		<-f.createTurns
	}
	if r.ID == f.holdCreate {
		<-f.holdRelease
	}
	if r.ID == f.failCreate {
		return platform.Record{}, &platform.APIError{Kind: platform.KindServer, Status: 500, Message: "create failed"}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records = append(f.records, r)
	if f.createAnswersIDOnly {
		return platform.Record{ID: r.ID}, nil
	}
	r.Returned = platform.AllReturned(platform.FieldName, platform.FieldProviderID)
	return r, nil
}

// Existing and ReadBack are the plain client's: a list and a read each time. The coalescing
// client under test serves its own.
func (f *fakeClient) Existing(ctx context.Context, ws string) ([]platform.Record, error) {
	return f.List(ctx, platform.ListOptions{WorkspaceID: ws})
}

func (f *fakeClient) ReadBack(ctx context.Context, ref platform.Ref) (platform.Record, error) {
	return f.Get(ctx, ref)
}

func (f *fakeClient) Validate(context.Context, platform.Ref) (platform.Validation, error) {
	return platform.Validation{}, errors.New("the fake has no validation call")
}

func (f *fakeClient) UpdateBody(_, planned platform.Record, fields []platform.Field) (map[string]any, []platform.Field, error) {
	body := map[string]any{}
	for _, fd := range fields {
		body[string(fd)] = planned.Value(fd)
	}
	return body, fields, nil
}

func (f *fakeClient) FollowUp(platform.Record, platform.Record) []platform.Field { return nil }

func (f *fakeClient) Update(_ context.Context, ref platform.Ref, p platform.Patch) (platform.Record, error) {
	f.updates.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.records {
		if r.ID == ref.ID {
			if p.Has(platform.FieldName) {
				f.records[i].Name = p.Values.Name
			}
			return f.records[i], nil
		}
	}
	return platform.Record{}, &platform.APIError{Platform: f.name, Kind: platform.KindNotFound, Status: 404}
}

func (f *fakeClient) Delete(_ context.Context, ref platform.Ref) error {
	f.deletes.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records = slices.DeleteFunc(f.records, func(r platform.Record) bool { return r.ID == ref.ID })
	return nil
}

// gate makes list call number n wait until the returned channel is closed.
func (f *fakeClient) gate(n int32) chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan struct{})
	f.gates[n] = ch
	return ch
}

func (f *fakeClient) setListErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listErr = err
}

func (f *fakeClient) waitListStarted(t *testing.T, n int32) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got := <-f.listStarted:
			if got == n {
				return
			}
		case <-timeout:
			t.Fatalf("list call %d never started", n)
		}
	}
}

// waitFor receives n values from ch, failing the test if they do not come (a hang, not a slow
// machine: the bound is generous).
func waitFor[T any](t *testing.T, ch <-chan T, n int) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for i := range n {
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("got %d of %d signals", i, n)
		}
	}
}

func rec(id, name string) platform.Record { return platform.Record{ID: id, Name: name} }

func TestCoalesceConcurrentGetsShareOneList(t *testing.T) {
	fake := newFakeClient(platform.Name("barndoor"), rec("a", "A"), rec("b", "B"), rec("c", "C"))
	gate := fake.gate(1)
	c := platform.NewCoalescingClient(fake)
	const n = 50
	joined := make(chan struct{}, n+10)
	platform.OnJoinedList(c, func() {
		select {
		case joined <- struct{}{}:
		default:
		}
	})

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := []string{"a", "b", "c"}[i%3]
			r, err := c.Get(context.Background(), platform.Ref{ID: id})
			if err != nil {
				errs <- err
				return
			}
			if r.ID != id {
				errs <- fmt.Errorf("Get(%s) returned %s", id, r.ID)
			}
		}()
	}
	fake.waitListStarted(t, 1)
	// Every reader joins the list in flight before it completes.
	waitFor(t, joined, n)
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := fake.lists.Load(); got != 1 {
		t.Errorf("%d concurrent Gets made %d List calls, want 1", n, got)
	}
	if got := fake.gets.Load(); got != 0 {
		t.Errorf("inner Get called %d times, want 0", got)
	}

	// Later reads with no write in between are served by the same list.
	for range 5 {
		if _, err := c.Get(context.Background(), platform.Ref{ID: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := fake.lists.Load(); got != 1 {
		t.Errorf("reads without a write made %d lists, want 1", got)
	}
}

func TestCoalesceWriteStartsANewList(t *testing.T) {
	ctx := context.Background()
	writes := map[string]func(c platform.Client) error{
		"update": func(c platform.Client) error {
			_, err := c.Update(ctx, platform.Ref{ID: "a"}, platform.Patch{Fields: []platform.Field{platform.FieldName}, Values: rec("a", "A2")})
			return err
		},
		"create": func(c platform.Client) error { _, err := c.Create(ctx, rec("new", "N")); return err },
		"delete": func(c platform.Client) error { return c.Delete(ctx, platform.Ref{ID: "a"}) },
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			fake := newFakeClient(platform.Name("barndoor"), rec("a", "A"))
			c := platform.NewCoalescingClient(fake)
			if r, err := c.Get(ctx, platform.Ref{ID: "a"}); err != nil || r.Name != "A" {
				t.Fatalf("first Get = %+v, %v", r, err)
			}
			if err := write(c); err != nil {
				t.Fatal(err)
			}
			switch name {
			case "update":
				r, err := c.Get(ctx, platform.Ref{ID: "a"})
				if err != nil || r.Name != "A2" {
					t.Fatalf("Get after update = %+v, %v; the pre-write list was served", r, err)
				}
			case "create":
				r, err := c.Get(ctx, platform.Ref{ID: "new"})
				if err != nil || r.Name != "N" {
					t.Fatalf("Get after create = %+v, %v", r, err)
				}
				if fake.gets.Load() != 0 {
					t.Fatal("the created record was read directly: the pre-write list was served")
				}
			case "delete":
				_, err := c.Get(ctx, platform.Ref{ID: "a"})
				if !platform.IsNotFound(err) {
					t.Fatalf("Get after delete = %v, want not found; the pre-write list was served", err)
				}
			}
			if got := fake.lists.Load(); got != 2 {
				t.Fatalf("lists = %d, want 2 (one before and one after the %s)", got, name)
			}
		})
	}
}

func TestCoalesceListInFlightDuringWriteIsNotServedAfterIt(t *testing.T) {
	ctx := context.Background()
	fake := newFakeClient(platform.Name("barndoor"), rec("a", "before"))
	gate := fake.gate(1)
	c := platform.NewCoalescingClient(fake)

	early := make(chan platform.Record, 1)
	go func() {
		r, _ := c.Get(ctx, platform.Ref{ID: "a"})
		early <- r
	}()
	fake.waitListStarted(t, 1)

	// The first list took its snapshot ("before") and is still in flight.
	if _, err := c.Update(ctx, platform.Ref{ID: "a"}, platform.Patch{Fields: []platform.Field{platform.FieldName}, Values: rec("a", "after")}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var after platform.Record
	var afterErr error
	go func() {
		defer close(done)
		after, afterErr = c.Get(ctx, platform.Ref{ID: "a"})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		close(gate)
		t.Fatal("the Get after the write waited for the list that began before it")
	}
	if afterErr != nil || after.Name != "after" {
		t.Fatalf("Get after the write = %+v, %v; want the updated record", after, afterErr)
	}
	if got := fake.lists.Load(); got != 2 {
		t.Fatalf("lists = %d, want 2", got)
	}
	close(gate)
	select {
	case <-early:
	case <-time.After(10 * time.Second):
		t.Fatal("the early Get never returned")
	}
}

// A record missing from the list (deleted, or imported by another form of its id) is read
// directly, which tells the two apart; within a workspace too.
func TestCoalesceMissingIDFallsBackToGet(t *testing.T) {
	ctx := context.Background()
	for _, ws := range []string{"", "ws-1"} {
		t.Run("workspace "+ws, func(t *testing.T) {
			fake := newFakeClient(platform.Name("barndoor"), platform.Record{ID: "a", Name: "A", WorkspaceID: ws}, platform.Record{ID: "b", Name: "B", WorkspaceID: "ws-2"})
			c := platform.NewCoalescingClient(fake)
			_, err := c.Get(ctx, platform.Ref{ID: "missing", WorkspaceID: ws})
			if !platform.IsNotFound(err) {
				t.Fatalf("Get(missing) = %v, want the inner Get's not found", err)
			}
			if got := fake.gets.Load(); got != 1 {
				t.Fatalf("inner Get called %d times, want 1", got)
			}
			if r, err := c.Get(ctx, platform.Ref{ID: "a", WorkspaceID: ws}); err != nil || r.Name != "A" || fake.gets.Load() != 1 {
				t.Fatalf("Get(a) = %+v, %v with %d inner gets; want it from the list", r, err, fake.gets.Load())
			}
			fake.mu.Lock()
			opts := slices.Clone(fake.listOpts)
			fake.mu.Unlock()
			if !slices.Equal(opts, []platform.ListOptions{{WorkspaceID: ws}}) {
				t.Fatalf("list options = %+v, want one list of the workspace", opts)
			}
		})
	}
}

// A list the platform refuses outright (a token that may read records one by one) falls back to
// one read per record; a list that fails otherwise does not, or one failing call would turn into
// a stampede of them.
func TestCoalesceListErrorFallsBackToGetOnlyWhenRefused(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		fallback bool
	}{
		{"refused", &platform.APIError{Kind: platform.KindPermission, Status: 403, Message: "no list for you"}, true},
		{"server error", &platform.APIError{Kind: platform.KindServer, Status: 503, Message: "busy"}, false},
		{"transport", errors.New("list broke"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeClient(platform.Name("keywordsai"), rec("a", "A"))
			fake.setListErr(tc.err)
			c := platform.NewCoalescingClient(fake)
			r, err := c.Get(context.Background(), platform.Ref{ID: "a"})
			if tc.fallback && (err != nil || r.Name != "A") {
				t.Fatalf("Get = %+v, %v; want the inner Get's answer", r, err)
			}
			if !tc.fallback && !errors.Is(err, tc.err) {
				t.Fatalf("Get = %+v, %v; want the list's error", r, err)
			}
			wantGets := int32(0)
			if tc.fallback {
				wantGets = 1
			}
			if fake.gets.Load() != wantGets || fake.lists.Load() != 1 {
				t.Fatalf("gets = %d, lists = %d; want %d and 1", fake.gets.Load(), fake.lists.Load(), wantGets)
			}
		})
	}
}

func TestCoalesceContextCancelWhileWaiting(t *testing.T) {
	fake := newFakeClient(platform.Name("barndoor"), rec("a", "A"))
	gate := fake.gate(1)
	defer close(gate)
	c := platform.NewCoalescingClient(fake)

	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, platform.Ref{ID: "a"})
		result <- err
	}()
	fake.waitListStarted(t, 1)
	cancel()
	select {
	case err := <-result:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Get after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Get did not return after its context was cancelled")
	}

	// The list the cancelled reader left is stopped; a later reader starts its own, and waits for
	// it no longer than its own deadline.
	defer close(fake.gate(2))
	deadline, cancelDeadline := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelDeadline()
	if _, err := c.Get(deadline, platform.Ref{ID: "a"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get past its deadline = %v, want context.DeadlineExceeded", err)
	}
}

func TestCoalescePassesOtherCallsThrough(t *testing.T) {
	fake := newFakeClient(platform.Name("refactor"), rec("a", "A"))
	c := platform.NewCoalescingClient(fake)
	if c.Spec().Name != platform.Name("refactor") {
		t.Fatalf("Platform() = %s", c.Spec().Name)
	}
	rs, err := c.List(context.Background(), platform.ListOptions{})
	if err != nil || len(rs) != 1 || fake.lists.Load() != 1 {
		t.Fatalf("List = %v, %v (lists %d)", rs, err, fake.lists.Load())
	}
	if _, err := c.Create(context.Background(), rec("b", "B")); err != nil || fake.creates.Load() != 1 {
		t.Fatalf("Create = %v (creates %d)", err, fake.creates.Load())
	}
	if err := c.Delete(context.Background(), platform.Ref{ID: "b"}); err != nil || fake.deletes.Load() != 1 {
		t.Fatalf("Delete = %v (deletes %d)", err, fake.deletes.Load())
	}
}

func TestCoalesceConcurrentReadsAndWrites(t *testing.T) {
	// Run with -race: reads and writes interleave freely.
	fake := newFakeClient(platform.Name("barndoor"), rec("a", "A"))
	c := platform.NewCoalescingClient(fake)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := c.Get(ctx, platform.Ref{ID: "a"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("w%d", i)
			if _, err := platform.Create(ctx, c, rec(id, id)); err != nil {
				t.Error(err)
			}
			if _, err := c.Get(ctx, platform.Ref{ID: id}); err != nil {
				t.Errorf("Get(%s) right after its create: %v", id, err)
			}
			if err := c.Delete(ctx, platform.Ref{ID: id}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// existenceLists takes the run's existence-check list of each workspace and returns how many
// lists the fake has served so far.
func existenceLists(t *testing.T, c platform.Client, workspaces ...string) int32 {
	t.Helper()
	for _, ws := range workspaces {
		if _, err := c.Existing(context.Background(), ws); err != nil {
			t.Fatal(err)
		}
	}
	return int32(len(workspaces))
}

// keyedFake is a fakeClient with a spec of its own (another unique key).
func keyedFake(spec platform.Spec, records ...platform.Record) *fakeClient {
	f := newFakeClient(spec.Name, records...)
	f.spec = &spec
	return f
}

func TestCoalesceExistenceChecksShareOneList(t *testing.T) {
	ctx := context.Background()
	spec := platform.Spec{Name: "upsert", UniqueKey: platform.FieldProviderID,
		Fields: map[platform.Field]platform.FieldSpec{platform.FieldProviderID: {Wire: "provider_id"}}}
	fake := keyedFake(spec, platform.Record{ID: "taken", ProviderID: "taken"}, platform.Record{ID: "gone", ProviderID: "gone"})
	c := platform.NewCoalescingClient(fake)

	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("new-%d", i)
			if _, err := platform.Create(ctx, c, platform.Record{ID: id, ProviderID: id}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := fake.lists.Load(); got != 1 {
		t.Errorf("%d creates made %d existence lists, want 1 shared", n, got)
	}
	if got := fake.gets.Load(); got != 0 {
		t.Errorf("creates of free keys made %d direct reads, want 0", got)
	}
	// A key the list holds is confirmed by a fresh list, and refused as foreign.
	var foreign *platform.ForeignRecordError
	if _, err := platform.Create(ctx, c, platform.Record{ID: "taken", ProviderID: "taken"}); !errors.As(err, &foreign) || foreign.ID != "taken" {
		t.Fatalf("create of a taken key = %v, want a foreign record", err)
	}
	// A key this client created since the list was taken is seen too.
	if _, err := platform.Create(ctx, c, platform.Record{ID: "new-1", ProviderID: "new-1"}); !errors.As(err, &foreign) || foreign.ID != "new-1" {
		t.Fatalf("create of a key created in this run = %v, want a foreign record", err)
	}
	if got := fake.creates.Load(); got != n {
		t.Fatalf("creates = %d, want %d: a taken key reached the platform", got, n)
	}
	// A record deleted by this client, or out of band since the list, does not block a create.
	if err := c.Delete(ctx, platform.Ref{ID: "new-2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := platform.Create(ctx, c, platform.Record{ID: "new-2", ProviderID: "new-2"}); err != nil {
		t.Fatalf("create after this client deleted the key = %v", err)
	}
	fake.mu.Lock()
	fake.records = slices.DeleteFunc(fake.records, func(r platform.Record) bool { return r.ID == "gone" })
	fake.mu.Unlock()
	if _, err := platform.Create(ctx, c, platform.Record{ID: "gone", ProviderID: "gone"}); err != nil {
		t.Fatalf("create of a key deleted out of band since the list = %v; the stale list blocked it", err)
	}
	// One shared list, and one fresh list for each of the three keys the shared list holds.
	if got := fake.lists.Load(); got != 4 {
		t.Errorf("lists = %d, want 4", got)
	}
}

func TestCoalesceReadBacksAreBatchedAndNeverStale(t *testing.T) {
	ctx := context.Background()
	fake := newFakeClient("idonly")
	fake.createAnswersIDOnly = true
	c := platform.NewCoalescingClient(fake)
	// The existence checks' lists, one per workspace for the run, are taken first, so that the
	// lists counted below are the read-backs'.
	existing := existenceLists(t, c, "")
	gate := fake.gate(existing + 1)
	platform.SetReadBackMaxWait(c, time.Hour)
	joined := make(chan struct{}, 100)
	platform.OnJoinedList(c, func() {
		select {
		case joined <- struct{}{}:
		default:
		}
	})

	// The first read-back holds its list in flight; the creates that finish meanwhile wait for the
	// next list, which starts after every one of them ended, and share it.
	first := make(chan error, 1)
	go func() {
		_, err := platform.Create(ctx, c, platform.Record{ID: "r0", Name: "n0"})
		first <- err
	}()
	fake.waitListStarted(t, existing+1)
	const n = 10
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("r%d", i)
			got, err := platform.Create(ctx, c, platform.Record{ID: id, Name: "n" + id})
			if err != nil || got.Name != "n"+id {
				t.Errorf("Create(%s) = %+v, %v; want it read back", id, got, err)
			}
		}()
	}
	// Every create reaches its read-back (the first one's list, then the next) before the first
	// list ends.
	waitFor(t, joined, n+1)
	close(gate)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if got := fake.lists.Load() - existing; got != 2 {
		t.Errorf("%d read-backs made %d lists, want 2 (the one in flight and one shared by the rest)", n+1, got)
	}
	if got := fake.gets.Load(); got != 0 {
		t.Errorf("read-backs fell back to %d direct reads: a list that began before a create served its read-back", got)
	}
}

// TestCoalesceReadBacksListTheirWorkspace: a platform with workspaces lists one workspace at a
// time (flashback's list requires its workspaceId), so each read-back lists its own, and the
// creates of one workspace share that list.
func TestCoalesceReadBacksListTheirWorkspace(t *testing.T) {
	ctx := context.Background()
	fake := newFakeClient("idonly")
	fake.createAnswersIDOnly = true
	c := platform.NewCoalescingClient(fake)
	existing := existenceLists(t, c, "ws-a", "ws-b")
	var wg sync.WaitGroup
	for i, ws := range []string{"ws-a", "ws-a", "ws-b", "ws-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("r%d", i)
			if got, err := platform.Create(ctx, c, platform.Record{ID: id, Name: "n" + id, WorkspaceID: ws}); err != nil || got.Name != "n"+id {
				t.Errorf("Create(%s in %s) = %+v, %v; want it read back", id, ws, got, err)
			}
		}()
	}
	wg.Wait()
	if got := fake.gets.Load(); got != 0 {
		t.Errorf("read-backs fell back to %d direct reads: a list missed its workspace's records", got)
	}
	fake.mu.Lock()
	opts := slices.Clone(fake.listOpts[existing:])
	fake.mu.Unlock()
	for _, o := range opts {
		if o.WorkspaceID != "ws-a" && o.WorkspaceID != "ws-b" {
			t.Errorf("a read-back listed %+v, want its workspace", o)
		}
	}
	if len(opts) < 2 || len(opts) > 4 {
		t.Errorf("read-back lists = %+v, want one or two per workspace", opts)
	}
}

// TestCoalesceReadBacksWaitForCreatesInFlight: parallel creates that finish one after another
// share one read-back list, because it waits for the creates still in flight; a failed create
// does not hold it, and a create that never answers holds it back only readBackMaxWait.
func TestCoalesceReadBacksWaitForCreatesInFlight(t *testing.T) {
	ctx := context.Background()
	fake := newFakeClient("idonly")
	fake.createAnswersIDOnly = true
	fake.createTurns = make(chan struct{})
	fake.failCreate = "r3"
	c := platform.NewCoalescingClient(fake)
	existing := existenceLists(t, c, "")
	// The read-back list waits for every create in flight, however slowly this machine runs them.
	platform.SetReadBackMaxWait(c, time.Hour)

	const n = 10
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("r%d", i)
			got, err := platform.Create(ctx, c, platform.Record{ID: id, Name: "n" + id})
			if id == fake.failCreate {
				if err == nil {
					t.Errorf("Create(%s) succeeded, want its failure", id)
				}
				return
			}
			if err != nil || got.Name != "n"+id {
				t.Errorf("Create(%s) = %+v, %v; want it read back", id, got, err)
			}
		}()
	}
	waitFor(t, fake.createStarted, n)
	// The creates answer one at a time, as parallel creates on a real platform do.
	for range n {
		fake.createTurns <- struct{}{}
	}
	wg.Wait()
	if got := fake.lists.Load() - existing; got != 1 {
		t.Errorf("%d creates answered one after another made %d read-back lists, want 1 shared", n, got)
	}
	if got := fake.gets.Load(); got != 0 {
		t.Errorf("read-backs fell back to %d direct reads", got)
	}

	// A create that does not answer holds the others' list back only for a while.
	platform.SetReadBackMaxWait(c, 10*time.Millisecond)
	fake.createTurns = nil
	fake.holdCreate, fake.holdRelease = "stuck", make(chan struct{})
	stuck := make(chan error, 1)
	go func() {
		_, err := platform.Create(ctx, c, platform.Record{ID: "stuck", Name: "stuck"})
		stuck <- err
	}()
	waitFor(t, fake.createStarted, 1)
	if got, err := platform.Create(ctx, c, platform.Record{ID: "r-next", Name: "n-next"}); err != nil || got.Name != "n-next" {
		t.Errorf("Create beside a create that does not answer = %+v, %v", got, err)
	}
	close(fake.holdRelease)
	if err := <-stuck; err != nil {
		t.Errorf("the slow create: %v", err)
	}
}
