package keywordsai_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	c "github.com/llmconfig/terraform-provider-llm/internal/mockserver/conformance"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/keywordsai"
)

// The request bodies of respan-python-api's create_custom_provider, update_custom_provider
// (PATCH) and replace_custom_provider (PUT), written from src/respan/models/raw_client.py: an
// OMIT argument is left out of the body. v1 is release 0.1.29 (3b12c48), whose calls take a
// top-level api_key; v2 is the newer generation (index commit 3fd95f8), whose calls have no
// api_key and document "Put provider credentials under extra_kwargs.api_key".
type createV1 struct {
	ProviderID   string         `json:"provider_id"`
	ProviderName string         `json:"provider_name"`
	APIKey       string         `json:"api_key,omitempty"`
	ExtraKwargs  map[string]any `json:"extra_kwargs,omitempty"`
}

type updateV1 struct {
	ProviderName string         `json:"provider_name,omitempty"`
	APIKey       string         `json:"api_key,omitempty"`
	ExtraKwargs  map[string]any `json:"extra_kwargs,omitempty"`
}

type createV2 struct {
	ProviderID   string         `json:"provider_id"`
	ProviderName string         `json:"provider_name"`
	ExtraKwargs  map[string]any `json:"extra_kwargs,omitempty"`
}

type updateV2 struct {
	ProviderName string         `json:"provider_name,omitempty"`
	ExtraKwargs  map[string]any `json:"extra_kwargs,omitempty"`
}

// providerSpec is every generation's Create/Retrieve/Update/Replace/List...Item response type.
var providerSpec = []c.Field{
	c.Req("id", c.String), c.Req("provider_id", c.String), c.Req("provider_name", c.String),
	c.Opt("extra_kwargs", c.Object).OrNull(), c.Opt("created_at", c.DateTime).OrNull(), c.Opt("updated_at", c.DateTime).OrNull(),
}

// pageSpec is v2's ListCustomProvidersResponse.
var pageSpec = []c.Field{
	c.Req("count", c.Integer), c.Opt("next", c.String).OrNull(), c.Opt("previous", c.String).OrNull(),
	c.Opt("total_count", c.Integer).OrNull(), c.Opt("current_filters", c.Object).OrNull(),
	c.Req("results", c.Array).Of(providerSpec...),
}

const path = "/api/providers/"

// generation is what differs between the two API generations for one client.
type generation struct {
	name string
	// create and update build the client's bodies carrying the key.
	create func(id, name, key string, extra map[string]any) any
	update func(name, key string, extra map[string]any) any
	// list returns every provider of a list answer, following pages.
	list func(t *testing.T, s *c.Server) []map[string]any
}

func withKey(extra map[string]any, key string) map[string]any {
	out := map[string]any{"api_key": key}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

var generations = []generation{
	{
		name: keywordsai.GenerationV1,
		create: func(id, name, key string, extra map[string]any) any {
			return createV1{ProviderID: id, ProviderName: name, APIKey: key, ExtraKwargs: extra}
		},
		update: func(name, key string, extra map[string]any) any {
			return updateV1{ProviderName: name, APIKey: key, ExtraKwargs: extra}
		},
		list: func(t *testing.T, s *c.Server) []map[string]any {
			var out []map[string]any
			for _, item := range s.Do(http.MethodGet, path, nil).Expect(t, "list_custom_providers", http.StatusOK).Array(t) {
				out = append(out, item.(map[string]any))
			}
			return out
		},
	},
	{
		name: keywordsai.GenerationV2,
		create: func(id, name, key string, extra map[string]any) any {
			return createV2{ProviderID: id, ProviderName: name, ExtraKwargs: withKey(extra, key)}
		},
		update: func(name, key string, extra map[string]any) any {
			return updateV2{ProviderName: name, ExtraKwargs: withKey(extra, key)}
		},
		list: func(t *testing.T, s *c.Server) []map[string]any {
			var out []map[string]any
			next := path + "?page_size=2"
			for pages := 0; next != ""; pages++ {
				if pages > 50 {
					t.Fatal("the list never ends")
				}
				page := s.Do(http.MethodGet, next, nil).Expect(t, "list_custom_providers", http.StatusOK).Object(t)
				c.MustConform(t, "list_custom_providers page", page, pageSpec)
				for _, item := range page["results"].([]any) {
					out = append(out, item.(map[string]any))
				}
				next, _ = page["next"].(string)
			}
			return out
		},
	},
}

// TestConformsToRespanClient replays list, create, retrieve, update (PATCH), replace (PUT) and
// delete as each generation's client sends them, and checks every answer against its response
// types; on both generations the credential reaches the platform.
func TestConformsToRespanClient(t *testing.T) {
	for _, g := range generations {
		t.Run(g.name, func(t *testing.T) {
			s := c.NewServer(t, mockserver.Modes{KeywordsAIGeneration: g.name})
			extra := map[string]any{"base_url": "https://acme.openai.azure.com", "timeout": 90.0}
			created := s.Do(http.MethodPost, path, g.create("conformance", "Conformance", "sk-respan-0001", extra)).
				Expect(t, "create_custom_provider", http.StatusCreated).Object(t)
			c.MustConform(t, "create_custom_provider", created, providerSpec)
			if key, ok := s.Mock.KeywordsAI().StoredAPIKey("conformance"); !ok || key != "sk-respan-0001" {
				t.Errorf("the platform holds api key %q (%v), want the one sent", key, ok)
			}
			got := s.Do(http.MethodGet, path+"conformance/", nil).Expect(t, "retrieve_custom_provider", http.StatusOK).Object(t)
			c.MustConform(t, "retrieve_custom_provider", got, providerSpec)
			patched := s.Do(http.MethodPatch, path+"conformance/", g.update("Conformance 2", "sk-respan-0002", extra)).
				Expect(t, "update_custom_provider", http.StatusOK).Object(t)
			c.MustConform(t, "update_custom_provider", patched, providerSpec)
			replaced := s.Do(http.MethodPut, path+"conformance/", g.update("Conformance 3", "sk-respan-0003", extra)).
				Expect(t, "replace_custom_provider", http.StatusOK).Object(t)
			c.MustConform(t, "replace_custom_provider", replaced, providerSpec)
			if replaced["provider_name"] != "Conformance 3" {
				t.Errorf("replace answered provider_name %v", replaced["provider_name"])
			}
			if key, _ := s.Mock.KeywordsAI().StoredAPIKey("conformance"); key != "sk-respan-0003" {
				t.Errorf("after replace the platform holds api key %q, want the replaced one", key)
			}
			for i := range 4 {
				id := fmt.Sprintf("extra-%d", i)
				s.Do(http.MethodPost, path, g.create(id, id, "k", nil)).Expect(t, "create "+id, http.StatusCreated)
			}
			all := g.list(t, s)
			// The managed provider, conformance and four more.
			if len(all) != 6 {
				t.Errorf("list_custom_providers has %d providers, want 6", len(all))
			}
			for _, item := range all {
				c.MustConform(t, "list_custom_providers item", item, providerSpec)
			}
			del := s.Do(http.MethodDelete, path+"conformance/", nil).Expect(t, "delete_custom_provider", http.StatusNoContent)
			if len(del.Raw) != 0 {
				t.Errorf("delete answered a body: %s", del.Raw)
			}
			notFound := s.Do(http.MethodGet, path+"conformance/", nil).Expect(t, "retrieve deleted", http.StatusNotFound).Object(t)
			c.MustConform(t, "404", notFound, []c.Field{c.Req("detail", c.String)})
		})
	}
}

// TestV2IgnoresTopLevelAPIKey mimics the newer serializer, which has no api_key: DRF ignores an
// undeclared field, so a create that sends the key at the top level succeeds and loses it.
func TestV2IgnoresTopLevelAPIKey(t *testing.T) {
	s := c.NewServer(t, mockserver.Modes{KeywordsAIGeneration: keywordsai.GenerationV2})
	created := s.Do(http.MethodPost, path, createV1{ProviderID: "lost", ProviderName: "Lost", APIKey: "sk-lost"}).
		Expect(t, "create with a top-level api_key", http.StatusCreated).Object(t)
	c.MustConform(t, "create", created, providerSpec)
	if key, ok := s.Mock.KeywordsAI().StoredAPIKey("lost"); ok {
		t.Errorf("v2 stored the top-level api_key %q; it must be dropped", key)
	}
	s.Do(http.MethodPatch, path+"lost/", updateV1{APIKey: "sk-lost-2"}).Expect(t, "patch with a top-level api_key", http.StatusOK)
	if _, ok := s.Mock.KeywordsAI().StoredAPIKey("lost"); ok {
		t.Error("v2 stored a PATCHed top-level api_key")
	}
	// replace requires provider_name on v2.
	refused := s.Do(http.MethodPut, path+"lost/", updateV2{ExtraKwargs: map[string]any{"api_key": "k"}}).
		Expect(t, "replace without provider_name", http.StatusBadRequest).Object(t)
	if msgs, _ := refused["provider_name"].([]any); len(msgs) != 1 || msgs[0] != "This field is required." {
		t.Errorf("replace without provider_name answered %v", refused)
	}
}

// TestExtraKwargsAnswers covers the three ways an answer carries extra_kwargs.
func TestExtraKwargsAnswers(t *testing.T) {
	for _, tc := range []struct {
		modes      mockserver.Modes
		wantField  bool
		wantSecret bool
	}{
		{mockserver.Modes{}, false, false},
		{mockserver.Modes{KeywordsAIExtraKwargs: keywordsai.ExtraKwargsPartial}, true, false},
		{mockserver.Modes{KeywordsAIGeneration: keywordsai.GenerationV2}, true, true},
		{mockserver.Modes{KeywordsAIGeneration: keywordsai.GenerationV2, KeywordsAIExtraKwargs: keywordsai.ExtraKwargsPartial}, true, false},
	} {
		t.Run(fmt.Sprintf("%s/%s", tc.modes.KeywordsAIGeneration, tc.modes.KeywordsAIExtraKwargs), func(t *testing.T) {
			s := c.NewServer(t, tc.modes)
			s.Do(http.MethodPost, path, createV2{ProviderID: "p", ProviderName: "P", ExtraKwargs: map[string]any{
				"api_key": "sk-secret", "aws_secret_access_key": "wJalr", "base_url": "https://llm.example.com",
			}}).Expect(t, "create", http.StatusCreated)
			got := s.Do(http.MethodGet, path+"p/", nil).Expect(t, "retrieve", http.StatusOK).Object(t)
			extra, present := got["extra_kwargs"].(map[string]any)
			if present != tc.wantField {
				t.Fatalf("extra_kwargs present %v, want %v: %v", present, tc.wantField, got)
			}
			if !present {
				return
			}
			if extra["base_url"] != "https://llm.example.com" {
				t.Errorf("extra_kwargs.base_url = %v", extra["base_url"])
			}
			_, hasKey := extra["api_key"]
			_, hasAWS := extra["aws_secret_access_key"]
			if hasKey != tc.wantSecret || hasAWS != tc.wantSecret {
				t.Errorf("extra_kwargs secrets present (api_key %v, aws_secret_access_key %v), want %v", hasKey, hasAWS, tc.wantSecret)
			}
		})
	}
}

// TestGenerationControlEndpoint switches the generation over HTTP and back with a reset.
func TestGenerationControlEndpoint(t *testing.T) {
	s := c.NewServer(t, mockserver.Modes{})
	modes := s.Do(http.MethodPost, "/_mock/modes", map[string]any{"keywordsai_generation": "v2"}).Expect(t, "set v2", http.StatusOK).Object(t)
	if modes["keywordsai_generation"] != "v2" || modes["keywordsai_extra_kwargs"] != "full" {
		t.Errorf("modes = %v, want v2 with full extra_kwargs", modes)
	}
	c.MustConform(t, "v2 list", s.Do(http.MethodGet, path, nil).Expect(t, "list", http.StatusOK).Object(t), pageSpec)
	s.Do(http.MethodPost, "/_mock/modes", map[string]any{"keywordsai_generation": "v3"}).Expect(t, "set v3", http.StatusBadRequest)
	s.Do(http.MethodPost, "/_mock/reset", nil).Expect(t, "reset", http.StatusNoContent)
	s.Do(http.MethodGet, path, nil).Expect(t, "v1 list", http.StatusOK).Array(t)
}
