package keywordsai_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	mockkeywordsai "github.com/llmconfig/terraform-provider-llm/internal/mockserver/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platformtest"
)

// newV2Fixture is the mock on Respan's newer generation with a client of that generation.
func newV2Fixture(t *testing.T) fixture {
	t.Helper()
	mock := mockserver.New(token, mockserver.WithModes(mockserver.Modes{KeywordsAIGeneration: mockkeywordsai.GenerationV2}))
	srv := httptest.NewServer(mock)
	t.Cleanup(srv.Close)
	c, err := keywordsai.New(platform.HTTPConfig{Endpoint: srv.URL, Token: token, APIVersion: "v2", MaxRetries: -1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{mock: mock, srv: srv, client: c}
}

// TestV2KeepsTheKey: on the newer generation the key travels inside extra_kwargs, on create and
// on every update that sends extra_kwargs (which the platform replaces whole), and is never read
// back although the platform answers it.
func TestV2KeepsTheKey(t *testing.T) {
	f := newV2Fixture(t)
	ctx := context.Background()
	want := platform.Record{ProviderID: "respan-azure", Name: "Azure", APIKey: "sk-v2-key", BaseURL: "https://x.openai.azure.com", ExtraKwargs: map[string]any{"timeout": 60.0}}
	created, err := platform.Create(ctx, f.client, want)
	if err != nil {
		t.Fatal(err)
	}
	requireKey := func(when string) {
		t.Helper()
		if key, ok := f.mock.KeywordsAI().StoredAPIKey("respan-azure"); !ok || key != "sk-v2-key" {
			t.Fatalf("%s: the platform holds key %q (%v), want sk-v2-key", when, key, ok)
		}
	}
	requireKey("after the create")
	got, err := f.client.Get(ctx, platform.Ref{ID: created.ID})
	if err != nil || got.APIKey != "" || got.ExtraKwargs["api_key"] != nil || got.BaseURL != want.BaseURL {
		t.Fatalf("read back = %+v, %v; want base_url and no key", got, err)
	}
	if !platform.SameJSON(got.ExtraKwargs, map[string]any{"timeout": 60}) {
		t.Fatalf("read back extra_kwargs = %v, want the configured ones only", got.ExtraKwargs)
	}
	planned := want
	planned.ExtraKwargs = map[string]any{"timeout": 90.0}
	p, err := platform.PlanUpdate(f.client, got, planned, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Update(ctx, platform.Ref{ID: created.ID}, p); err != nil {
		t.Fatal(err)
	}
	requireKey("after an update of extra_kwargs")
	if _, err := platformtest.Update(ctx, f.client, platform.Ref{ID: created.ID}, platform.Patch{Fields: []platform.Field{platform.FieldName}, Values: platform.Record{Name: "Azure EU"}}); err != nil {
		t.Fatal(err)
	}
	requireKey("after a rename")
	// A version that reads the key from its top level on v2 would be refused: it is ignored.
	v1, err := keywordsai.New(platform.HTTPConfig{Endpoint: f.srv.URL, Token: token, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v1.Create(ctx, platform.Record{ProviderID: "lost", Name: "Lost", APIKey: "sk-lost"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.mock.KeywordsAI().StoredAPIKey("lost"); ok {
		t.Fatal("the mock kept a top-level key on v2; the test cannot tell the generations apart")
	}
}

func TestV2WireBody(t *testing.T) {
	f := newV2Fixture(t)
	prior := platform.Record{ProviderID: "p", Name: "P", APIKey: "sk-kept", BaseURL: "https://b.example.com", ExtraKwargs: map[string]any{"timeout": 60.0}}
	with := func(change func(r *platform.Record)) platform.Record {
		r := prior
		r.ExtraKwargs = map[string]any{"timeout": 60.0}
		change(&r)
		return r
	}
	platformtest.RunUpdateCases(t, f.client, []platformtest.UpdateCase{
		{Name: "rename sends the name alone", Prior: prior, Planned: with(func(r *platform.Record) { r.Name = "Q" }), Body: `{"provider_name":"Q"}`},
		{Name: "rotated key inside extra_kwargs", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey = "sk-new" }), Rotated: []platform.Field{platform.FieldAPIKey},
			Body: `{"extra_kwargs":{"api_key":"sk-new","base_url":"https://b.example.com","timeout":60}}`},
		{Name: "extra_kwargs change carries the kept key", Prior: prior, Planned: with(func(r *platform.Record) { r.ExtraKwargs["timeout"] = 90.0 }),
			Body: `{"extra_kwargs":{"api_key":"sk-kept","base_url":"https://b.example.com","timeout":90}}`},
		{Name: "the key set twice is refused", Prior: prior, Planned: with(func(r *platform.Record) { r.ExtraKwargs["api_key"] = "sk-other" }), Err: "set it in one place only"},
	})
	if _, err := keywordsai.New(platform.HTTPConfig{Endpoint: f.srv.URL, Token: token, APIVersion: "v3"}); err == nil {
		t.Fatal("api_version v3 was accepted")
	}
}
