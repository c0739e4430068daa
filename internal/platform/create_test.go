package platform_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// fakePlatform is an in-memory platform with barndoor's Spec whose create can be made to fail in
// each way the create flow must tell apart. It journals every call, so a test can assert that no
// write ever reached a record it did not make.
type fakePlatform struct {
	platform.Client // only Spec, UpdateBody and FollowUp of the real client are used
	mu              sync.Mutex
	records         []platform.Record
	calls           []string
	nextID          int
	// onCreate decides the create's outcome; nil processes it and answers.
	onCreate func(ctx context.Context, f *fakePlatform, r platform.Record) (platform.Record, error)
	// clock is the platform's clock for created_at.
	clock func() time.Time
	// idOnly makes the create answer hold only the id (flashback), so the flow reads it back;
	// enabledOnCreate makes the create call carry enabled (every platform but barndoor).
	idOnly, enabledOnCreate bool
}

func newFakePlatform(t *testing.T) *fakePlatform {
	t.Helper()
	c, err := barndoor.New(platform.HTTPConfig{Endpoint: "http://127.0.0.1:1", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	return &fakePlatform{Client: c, clock: time.Now}
}

// newFakeOf is a fake platform with the Spec, wire mapping and follow-up of a real client.
func newFakeOf(t *testing.T, newClient func(platform.HTTPConfig) (platform.Client, error)) *fakePlatform {
	t.Helper()
	c, err := newClient(platform.HTTPConfig{Endpoint: "http://127.0.0.1:1", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	name := c.Spec().Name
	return &fakePlatform{Client: c, clock: time.Now, idOnly: name == flashback.Name, enabledOnCreate: name != barndoor.Name}
}

func (f *fakePlatform) log(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// store makes a record as the platform would, created now by its clock.
func (f *fakePlatform) store(r platform.Record) platform.Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	r.ID = fmt.Sprintf("p-%d", f.nextID)
	r.APIKey, r.Secret, r.Credentials = "", "", nil
	if r.Enabled == nil || !f.enabledOnCreate {
		enabled := true
		r.Enabled = &enabled
	}
	r.CreatedAt = f.clock().UTC().Format(time.RFC3339Nano)
	// The answer carries every field the record holds but its secrets.
	r.Returned = map[platform.Field]bool{platform.FieldEnabled: true, platform.FieldCreatedAt: true}
	for _, field := range platform.AllFields {
		if r.IsSet(field) && !slices.Contains(platform.SecretFields, field) {
			r.Returned[field] = true
		}
	}
	f.records = append(f.records, r)
	return r
}

// answer is what the create call answers for a stored record.
func (f *fakePlatform) answer(r platform.Record) platform.Record {
	if f.idOnly {
		return platform.DecodeIDOnly(r.ID)
	}
	return r
}

func (f *fakePlatform) Create(ctx context.Context, r platform.Record) (platform.Record, error) {
	f.log("POST %s", r.Name)
	if f.onCreate != nil {
		return f.onCreate(ctx, f, r)
	}
	return f.answer(f.store(r)), nil
}

func (f *fakePlatform) List(context.Context, platform.ListOptions) ([]platform.Record, error) {
	f.log("LIST")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]platform.Record(nil), f.records...), nil
}

func (f *fakePlatform) Existing(ctx context.Context, ws string) ([]platform.Record, error) {
	return f.List(ctx, platform.ListOptions{WorkspaceID: ws})
}

func (f *fakePlatform) Get(_ context.Context, ref platform.Ref) (platform.Record, error) {
	f.log("GET %s", ref.ID)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.records {
		if r.ID == ref.ID {
			return r, nil
		}
	}
	return platform.Record{}, &platform.APIError{Kind: platform.KindNotFound, Status: 404}
}

func (f *fakePlatform) ReadBack(ctx context.Context, ref platform.Ref) (platform.Record, error) {
	return f.Get(ctx, ref)
}

func (f *fakePlatform) Update(_ context.Context, ref platform.Ref, p platform.Patch) (platform.Record, error) {
	f.log("PUT %s %v", ref.ID, p.Body)
	if f.idOnly {
		return platform.DecodeIDOnly(ref.ID), nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.records {
		if r.ID == ref.ID {
			for _, field := range p.Fields {
				r.Set(field, p.Values.Value(field))
			}
			f.records[i] = r
			return r, nil
		}
	}
	return platform.Record{}, &platform.APIError{Kind: platform.KindNotFound, Status: 404}
}

func (f *fakePlatform) Delete(_ context.Context, ref platform.Ref) error {
	f.log("DELETE %s", ref.ID)
	return nil
}

// writesTo lists the journaled updates and deletes of a record.
func (f *fakePlatform) writesTo(id string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if (strings.HasPrefix(c, "PUT ") || strings.HasPrefix(c, "DELETE ")) && strings.Fields(c)[1] == id {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakePlatform) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// verbs is the journal's calls without their arguments, in order.
func (f *fakePlatform) verbs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.calls))
	for i, c := range f.calls {
		out[i] = strings.Fields(c)[0]
	}
	return out
}

// TestCreateFlowPerPlatform: the requests each platform's create makes, in order, for a clean
// create, a key the look-up finds, and an ambiguous first answer whose record the platform made.
func TestCreateFlowPerPlatform(t *testing.T) {
	disabled := false
	for _, tc := range []struct {
		name      string
		newClient func(platform.HTTPConfig) (platform.Client, error)
		wanted    platform.Record
		// after is what follows the create call: flashback reads its id-only answer back,
		// barndoor sets enabled by an update.
		after []string
	}{
		{"refactor", func(c platform.HTTPConfig) (platform.Client, error) { return refactor.New(c) },
			platform.Record{ModelProvider: "openai", APIKey: "sk-ours", Enabled: &disabled}, nil},
		{"flashback", func(c platform.HTTPConfig) (platform.Client, error) { return flashback.New(c) },
			platform.Record{Name: "ours", ModelProvider: "openai", BaseURL: "https://api.openai.com/v1", Secret: "s", WorkspaceID: "ws-1"}, []string{"GET"}},
		{"barndoor", func(c platform.HTTPConfig) (platform.Client, error) { return barndoor.New(c) },
			platform.Record{Name: "ours", ModelProvider: "openai", APIKey: "sk-ours", Enabled: &disabled}, []string{"PUT"}},
		{"keywordsai", func(c platform.HTTPConfig) (platform.Client, error) { return keywordsai.New(c) },
			platform.Record{ProviderID: "ours", Name: "Ours", APIKey: "sk-ours"}, nil},
	} {
		t.Run(tc.name+"/clean create", func(t *testing.T) {
			f := newFakeOf(t, tc.newClient)
			got, err := platform.Create(context.Background(), f, tc.wanted)
			if err != nil || got.ID != "p-1" {
				t.Fatalf("Create = %+v, %v", got, err)
			}
			if want := append([]string{"LIST", "POST"}, tc.after...); !slices.Equal(f.verbs(), want) {
				t.Fatalf("requests = %v, want %v", f.calls, want)
			}
		})
		t.Run(tc.name+"/existing record", func(t *testing.T) {
			f := newFakeOf(t, tc.newClient)
			theirs := f.store(tc.wanted)
			_, err := platform.Create(context.Background(), f, tc.wanted)
			var foreign *platform.ForeignRecordError
			if !errors.As(err, &foreign) || foreign.ID != theirs.ID {
				t.Fatalf("Create = %v, want the foreign record %s", err, theirs.ID)
			}
			// The run's list finds the key; a fresh list confirms it; nothing is written.
			if want := []string{"LIST", "LIST"}; !slices.Equal(f.verbs(), want) {
				t.Fatalf("requests = %v, want %v", f.calls, want)
			}
		})
		t.Run(tc.name+"/ambiguous first answer", func(t *testing.T) {
			f := newFakeOf(t, tc.newClient)
			f.onCreate = func(_ context.Context, f *fakePlatform, r platform.Record) (platform.Record, error) {
				f.store(r)
				return platform.Record{}, errDropped
			}
			got, err := platform.Create(context.Background(), f, tc.wanted)
			if err != nil || got.ID != "p-1" {
				t.Fatalf("Create = %+v, %v; want the record the create made", got, err)
			}
			// The look-up after the ambiguous answer finds the record with everything it holds,
			// so no read-back is needed; barndoor's follow-up still runs.
			want := []string{"LIST", "POST", "LIST"}
			if slices.Contains(tc.after, "PUT") {
				want = append(want, "PUT")
			}
			if !slices.Equal(f.verbs(), want) {
				t.Fatalf("requests = %v, want %v", f.calls, want)
			}
		})
	}
}

var errDropped = &platform.AmbiguousError{Err: errors.New("connection dropped")}

func wanted(name string) platform.Record {
	return platform.Record{Name: name, ModelProvider: "openai", APIKey: "sk-ours"}
}

func requireForeign(t *testing.T, got platform.Record, err error, id, reason string) {
	t.Helper()
	var foreign *platform.ForeignRecordError
	if !errors.As(err, &foreign) {
		t.Fatalf("err = %v, want a *ForeignRecordError", err)
	}
	if foreign.ID != id || !strings.Contains(foreign.Reason, reason) || foreign.Key != platform.FieldName {
		t.Fatalf("foreign record error = %+v, want id %s and a reason containing %q", foreign, id, reason)
	}
	if got.ID != "" {
		t.Fatalf("a foreign record came back to be stored: %+v", got)
	}
}

func TestCreate_refusesARecordThatExistedBefore(t *testing.T) {
	f := newFakePlatform(t)
	theirs := f.store(platform.Record{Name: "Shared-Name", ModelProvider: "anthropic"})
	f.onCreate = func(context.Context, *fakePlatform, platform.Record) (platform.Record, error) {
		return platform.Record{}, &platform.AmbiguousError{Err: &platform.APIError{Kind: platform.KindServer, Status: 500}}
	}
	got, err := platform.Create(context.Background(), f, wanted("shared-name"))
	requireForeign(t, got, err, theirs.ID, "existed before this create")
	if n := f.count("POST"); n != 0 {
		t.Fatalf("%d creates were sent for a key the platform already holds, want none", n)
	}
	if w := f.writesTo(theirs.ID); len(w) != 0 {
		t.Fatalf("the foreign record was written to: %v", w)
	}
}

func TestCreate_adoptsTheRecordAnAmbiguousCreateMade(t *testing.T) {
	f := newFakePlatform(t)
	f.onCreate = func(_ context.Context, f *fakePlatform, r platform.Record) (platform.Record, error) {
		f.store(r)
		return platform.Record{}, errDropped
	}
	disabled := false
	w := wanted("ours")
	w.Enabled = &disabled
	got, err := platform.Create(context.Background(), f, w)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "p-1" || got.Enabled == nil || *got.Enabled {
		t.Fatalf("adopted record = %+v, want p-1, disabled by the follow-up", got)
	}
	if n := f.count("POST"); n != 1 {
		t.Fatalf("%d creates, want 1: the record it made must not be created again", n)
	}
	if w := f.writesTo("p-1"); len(w) != 1 || !strings.Contains(w[0], "enabled:false") {
		t.Fatalf("writes to the adopted record = %v, want the one follow-up with enabled false", w)
	}
}

func TestCreate_aRecordMadeBeforeTheAttemptIsForeign(t *testing.T) {
	f := newFakePlatform(t)
	// Another actor creates the record between the existence check and this create, and the
	// platform stamps it an hour before the attempt (its clock says so): it cannot be ours.
	f.onCreate = func(_ context.Context, f *fakePlatform, r platform.Record) (platform.Record, error) {
		f.clock = func() time.Time { return time.Now().Add(-time.Hour) }
		f.store(platform.Record{Name: r.Name, ModelProvider: r.ModelProvider})
		return platform.Record{}, &platform.AmbiguousError{Err: &platform.APIError{Kind: platform.KindServer, Status: 502}}
	}
	got, err := platform.Create(context.Background(), f, wanted("race"))
	requireForeign(t, got, err, "p-1", "before this create began")
	if w := f.writesTo("p-1"); len(w) != 0 {
		t.Fatalf("the foreign record was written to: %v", w)
	}
}

func TestCreate_aRecordHoldingOtherValuesIsForeign(t *testing.T) {
	f := newFakePlatform(t)
	f.onCreate = func(_ context.Context, f *fakePlatform, r platform.Record) (platform.Record, error) {
		f.store(platform.Record{Name: r.Name, ModelProvider: "anthropic"})
		return platform.Record{}, errDropped
	}
	got, err := platform.Create(context.Background(), f, wanted("race"))
	requireForeign(t, got, err, "p-1", "does not hold what this create sent")
}

func TestCreate_aDeadlineWhileTheCreateIsInFlightIsAmbiguous(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cancel func(ctx context.Context) (context.Context, func())
	}{
		{"timeout", func(ctx context.Context) (context.Context, func()) { return context.WithTimeout(ctx, time.Millisecond) }},
		{"cancellation", func(ctx context.Context) (context.Context, func()) { return context.WithCancel(ctx) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePlatform(t)
			ctx, cancel := tc.cancel(context.Background())
			defer cancel()
			// The platform carries the create out; its answer comes after the client gave up.
			f.onCreate = func(ctx context.Context, f *fakePlatform, r platform.Record) (platform.Record, error) {
				f.store(r)
				cancel()
				<-ctx.Done()
				return platform.Record{}, &platform.AmbiguousError{Err: ctx.Err()}
			}
			got, err := platform.Create(ctx, f, wanted("slow"))
			if err != nil {
				t.Fatalf("the create the platform carried out was lost: %v", err)
			}
			if got.ID != "p-1" || f.count("POST") != 1 {
				t.Fatalf("got %+v after %d creates, want p-1 after one", got, f.count("POST"))
			}
		})
	}
}

func TestCreate_nothingFoundAfterAnUnprocessedFailureIsTriedAgain(t *testing.T) {
	f := newFakePlatform(t)
	failures := 1
	f.onCreate = func(_ context.Context, f *fakePlatform, r platform.Record) (platform.Record, error) {
		if failures > 0 {
			failures--
			return platform.Record{}, &platform.AmbiguousError{Err: &platform.APIError{Kind: platform.KindServer, Status: 503}}
		}
		return f.store(r), nil
	}
	got, err := platform.Create(context.Background(), f, wanted("retry"))
	if err != nil || got.ID != "p-1" || f.count("POST") != 2 {
		t.Fatalf("got %+v, %v after %d creates; want p-1 after two", got, err, f.count("POST"))
	}
}

func TestCreate_anUpsertOfAnExistingRecordIsNeverStored(t *testing.T) {
	f := newFakePlatform(t)
	f.onCreate = func(context.Context, *fakePlatform, platform.Record) (platform.Record, error) {
		return platform.Record{}, &platform.ForeignRecordError{ID: "theirs", Key: platform.FieldName, Value: "race", Reason: "the upsert answered 200"}
	}
	got, err := platform.Create(context.Background(), f, wanted("race"))
	requireForeign(t, got, err, "theirs", "upsert")
	if f.count("PUT") != 0 || f.count("DELETE") != 0 {
		t.Fatalf("writes after a foreign upsert: %v", f.calls)
	}
}
