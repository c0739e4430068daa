package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	mockkeywordsai "github.com/llmconfig/terraform-provider-llm/internal/mockserver/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// foreignRecord makes, out of band as another team would, a record with the same unique key as
// the platform's resourceCases configuration, and returns its id and its unique key.
func (m *testMock) foreignRecord(t *testing.T, p platform.Name) (id, key string) {
	t.Helper()
	switch p {
	case refactor.Name:
		m.call(t, http.MethodPost, "/api/v1/llm-providers", map[string]any{"provider": "openai", "enabled": false, "credentials": map[string]any{"api_key": "sk-theirs"}})
		return "openai", "openai"
	case flashback.Name:
		out := m.call(t, http.MethodPost, "/ai/llm", map[string]any{
			"name": "fb-primary", "aiType": "ANTHROPIC", "endpoint": "https://theirs.example.com", "workspaceId": "ws-alpha", "key": "theirs", "secret": "theirs",
		})
		return fmt.Sprint(out["aiLlmId"]), "fb-primary"
	case barndoor.Name:
		out := m.call(t, http.MethodPost, "/api/llm-gateway/admin/providers", map[string]any{
			"name": "BD-Primary", "model_provider": "anthropic", "base_url": "https://theirs.example.com", "api_key": "theirs",
		})
		return fmt.Sprint(out["id"]), "BD-Primary"
	case keywordsai.Name:
		m.call(t, http.MethodPost, "/api/providers/", map[string]any{"provider_id": "kw-primary", "provider_name": "Theirs", "api_key": "theirs"})
		return "kw-primary", "kw-primary"
	}
	t.Fatalf("no foreign record for %s", p)
	return "", ""
}

// writesTo lists the journaled updates and deletes whose path names the record id.
func (m *testMock) writesTo(id string) []mockserver.Entry {
	var out []mockserver.Entry
	for _, e := range m.writes() {
		if e.Method == http.MethodPost {
			continue
		}
		for _, segment := range strings.Split(strings.Trim(e.Path, "/"), "/") {
			if segment == id {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// noForeignWrites checks that no update or delete ever reached the record made out of band.
func noForeignWrites(m *testMock, id string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if w := m.writesTo(id); len(w) > 0 {
			return fmt.Errorf("%d updates or deletes reached the record made outside Terraform (%s): %+v", len(w), id, w)
		}
		return nil
	}
}

// TestAccLLMProviderResource_foreignRecordIsNeverTakenOver: a record made outside Terraform with
// the same unique key, then an apply whose first create answers 500 without being processed. The
// create fails with the record's import block, state stays without it, and no update or delete
// ever reaches it, not even from the destroy at the end of the test.
func TestAccLLMProviderResource_foreignRecordIsNeverTakenOver(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			id, key := m.foreignRecord(t, tc.platform)
			if err := m.srv.SetFaults([]mockserver.FaultRule{{Method: http.MethodPost, Path: "*", Status: http.StatusInternalServerError, Count: 1}}); err != nil {
				t.Fatal(err)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             noForeignWrites(m, id),
				Steps: []resource.TestStep{{
					Config: m.providerConfig(tc.platform) + renderResource(tc.base),
					ExpectError: phrases("Existing Record Not Taken Over", "Create on the "+string(tc.platform)+" platform found", id,
						"it existed before this create", "It was neither changed nor taken into state",
						"import {", "to = llm_provider.ADDRESS", fmt.Sprintf("id = %q", id), "}",
						"terraform import 'llm_provider.ADDRESS' '"+id+"'"),
				}},
			})
			if w := m.writesTo(id); len(w) > 0 {
				t.Fatalf("writes reached the foreign record: %+v", w)
			}
			if got := m.platformKeys(t, tc.platform); !slices.Equal(got, []string{key}) {
				t.Fatalf("platform holds %v, want only the foreign record %q", got, key)
			}
		})
	}
}

// TestAccLLMProviderResource_requiredAttributeCannotBeRemoved: removing a required attribute from
// an existing record's configuration is a plan-time error naming it, and no request is sent.
func TestAccLLMProviderResource_requiredAttributeCannotBeRemoved(t *testing.T) {
	for _, tc := range resourceCases() {
		spec := mustSpec(t, tc.platform)
		var required platform.Field
		for _, f := range spec.SupportedFields() {
			if spec.Fields[f].Required && !slices.Contains(platform.SecretFields, f) && !spec.Fields[f].Replace {
				required = f
				break
			}
		}
		if required == "" {
			// refactor's only required attribute, model_provider, is its id: removing it is a replace
			// the create then refuses at plan time, which TestAccLLMProviderResource_invalidConfig covers.
			continue
		}
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			var writes int
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{
						Config: m.providerConfig(tc.platform) + renderResource(tc.base),
						Check:  func(*terraform.State) error { writes = len(m.writes()); return nil },
					},
					{
						Config:   m.providerConfig(tc.platform) + renderResource(with(tc.base, nil, string(required))),
						PlanOnly: true,
						ExpectError: phrases("Missing Required Attribute", fmt.Sprintf("requires %q (its %s field)", required, spec.Fields[required].Wire),
							"It cannot be removed from the configuration of an existing record"),
					},
					{
						Config: m.providerConfig(tc.platform) + renderResource(tc.base),
						Check: func(*terraform.State) error {
							if got := len(m.writes()); got != writes {
								return fmt.Errorf("%d write requests after the refused plan, want none", got-writes)
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// TestAccLLMProviderResource_enabledRemovedEnablesAgain: enabled defaults to the platforms'
// documented true, so removing enabled = false from the configuration plans and sends
// enabled = true, and the plan after it is empty.
func TestAccLLMProviderResource_enabledRemovedEnablesAgain(t *testing.T) {
	for _, tc := range resourceCases() {
		if !mustSpec(t, tc.platform).Supports(platform.FieldEnabled) {
			continue
		}
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			disabled := with(tc.base, map[string]string{"enabled": "false"})
			removed := with(tc.base, nil, "enabled")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{
						Config: m.providerConfig(tc.platform) + renderResource(disabled),
						Check: resource.ComposeTestCheckFunc(
							resource.TestCheckResourceAttr(testResource, "enabled", "false"),
							func(*terraform.State) error { m.srv.ClearRequests(); return nil },
						),
					},
					{
						Config: m.providerConfig(tc.platform) + renderResource(removed),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
						}},
						Check: resource.ComposeTestCheckFunc(
							resource.TestCheckResourceAttr(testResource, "enabled", "true"),
							expectOneUpdate(m, "enabled"),
							func(*terraform.State) error {
								w := m.writes()[0]
								if !strings.Contains(string(w.Body), `"enabled":true`) {
									return fmt.Errorf("update body %s, want enabled true", w.Body)
								}
								return nil
							},
						),
					},
					{
						Config:           m.providerConfig(tc.platform) + renderResource(removed),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// phrases matches diagnostics text holding each phrase in order, wherever Terraform wraps its lines.
func phrases(ps ...string) *regexp.Regexp {
	parts := make([]string, len(ps))
	for i, p := range ps {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// TestAccLLMProviderResource_createAnsweredAfterTheDeadline: the platform carries the create out,
// but its answer comes only after the resource's create timeout. The create is ambiguous, not lost:
// the record is looked up on a deadline of its own and kept in state, and it is never created twice.
func TestAccLLMProviderResource_createAnsweredAfterTheDeadline(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			var creates atomic.Int32
			holdFirstCreate := func(e mockserver.Entry) {
				// Only the first create's answer is held; any other passes at once.
				if e.Method == http.MethodPost && e.Status < 300 && creates.Add(1) == 1 {
					<-release
				}
			}
			m := newTestMock(t, mockserver.WithBeforeAnswer(holdFirstCreate))
			t.Cleanup(func() { close(release) }) // Runs before the mock closes: cleanups run last first.
			cfg := m.providerConfig(tc.platform) + strings.TrimSuffix(renderResource(tc.base), "}\n") + "  timeouts {\n    create = \"2s\"\n  }\n}\n"
			var id string
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: resource.ComposeTestCheckFunc(stateID(&id), func(*terraform.State) error {
							// The held create is journaled only once its answer is released, so the hook counts.
							if posts := creates.Load(); posts != 1 {
								return fmt.Errorf("%d creates, want exactly one", posts)
							}
							if keys := m.platformKeys(t, tc.platform); len(keys) != 1 {
								return fmt.Errorf("the platform holds %v, want the one record", keys)
							}
							return nil
						}),
					},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
			if id == "" {
				t.Fatal("no record reached state")
			}
		})
	}
}

// TestAccLLMProviderResource_keywordsaiUpsertOfAForeignRecord: another actor creates the same
// provider_id between the existence check and the create, so keywordsai's create, an upsert,
// changes their record and answers 200 instead of 201. The record is never stored, tainted or
// not, the error gives its import block, and nothing else ever reaches it: no update, no delete.
func TestAccLLMProviderResource_keywordsaiUpsertOfAForeignRecord(t *testing.T) {
	// The other create is itself a POST through the same hook: the flag is set before it is sent,
	// so it passes through.
	var raced atomic.Bool
	var m *testMock
	raceIn := func(e mockserver.Entry) {
		if e.Method == http.MethodPost && e.Path == "/api/providers/" && raced.CompareAndSwap(false, true) {
			m.call(t, http.MethodPost, "/api/providers/", map[string]any{"provider_id": "kw-primary", "provider_name": "Theirs", "api_key": "theirs"})
		}
	}
	m = newTestMock(t, mockserver.WithBeforeProcess(raceIn))
	base := resourceCases()[3].base
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             noForeignWrites(m, "kw-primary"),
		Steps: []resource.TestStep{{
			Config: m.providerConfig(keywordsai.Name) + renderResource(base),
			ExpectError: phrases("Existing Record Not Taken Over", "custom provider kw-primary", "upsert", "answered HTTP 200",
				"It was neither changed nor taken into state", `id = "kw-primary"`, "terraform import 'llm_provider.ADDRESS' 'kw-primary'"),
		}},
	})
	if w := m.writesTo("kw-primary"); len(w) > 0 {
		t.Fatalf("updates or deletes reached the foreign record: %+v", w)
	}
	if got := m.platformKeys(t, keywordsai.Name); !slices.Equal(got, []string{"kw-primary"}) {
		t.Fatalf("platform holds %v, want only the foreign record", got)
	}
}

// TestAccLLMProviderResource_keywordsaiExtraKwargsReadBack: keywordsai answers extra_kwargs not
// at all (older docs), without its secret keys (respan-api 0.1.29) or whole (0.1.4x). In every
// case the plan after the apply is empty, state keeps exactly the configured object, and a key the
// platform withholds is never a diff; an out-of-band change of a returned key is drift wherever the
// platform returns the object, and cannot be seen where it does not.
func TestAccLLMProviderResource_keywordsaiExtraKwargsReadBack(t *testing.T) {
	const configured = `{"organization_token":"kw-extra-secret","timeout":60}`
	for _, tc := range []struct {
		mode       string
		driftShows bool
	}{
		{mockkeywordsai.ExtraKwargsNone, false},
		{mockkeywordsai.ExtraKwargsPartial, true},
		{mockkeywordsai.ExtraKwargsFull, true},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t, mockserver.WithModes(mockserver.Modes{KeywordsAIExtraKwargs: tc.mode}))
			cfg := m.providerConfig(keywordsai.Name) + renderResource(with(resourceCases()[3].base,
				map[string]string{"extra_kwargs": `jsonencode({ timeout = 60, organization_token = "kw-extra-secret" })`}))
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, keywordsai.Name),
				Steps: []resource.TestStep{
					{Config: cfg, Check: resource.TestCheckResourceAttr("llm_provider.test", "extra_kwargs", configured)},
					{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
					{
						PreConfig: func() {
							m.call(t, http.MethodPatch, "/api/providers/kw-primary/", map[string]any{
								"extra_kwargs": map[string]any{"base_url": "https://kw.example.com/openai", "timeout": 90, "organization_token": "kw-extra-secret"},
							})
						},
						Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: tc.driftShows,
					},
				},
			})
		})
	}
}

// TestAccLLMProviderResource_keywordsaiV2KeepsTheKey: on Respan's newer API generation
// (api_version = "v2"), whose serializer ignores a top-level api_key, the key reaches the platform
// inside extra_kwargs on create and on every change of extra_kwargs, is never read back although
// the platform answers it, and the plans after apply and after import are empty. On a platform
// with one API version, api_version is refused before any request.
func TestAccLLMProviderResource_keywordsaiV2KeepsTheKey(t *testing.T) {
	m := newTestMock(t, mockserver.WithModes(mockserver.Modes{KeywordsAIGeneration: mockkeywordsai.GenerationV2}))
	provider := m.keywordsaiV2Config()
	base := resourceCases()[3].base
	changed := with(base, map[string]string{"extra_kwargs": `jsonencode({ timeout = 90 })`})
	requireKey := func(*terraform.State) error {
		if key, ok := m.srv.KeywordsAI().StoredAPIKey("kw-primary"); !ok || key != "kw-key-initial" {
			return fmt.Errorf("the platform holds key %q (%v), want kw-key-initial: the key was lost", key, ok)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, keywordsai.Name),
		Steps: []resource.TestStep{
			{Config: provider + renderResource(base), Check: requireKey},
			{Config: provider + renderResource(base), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{Config: provider + renderResource(changed), Check: resource.ComposeTestCheckFunc(requireKey,
				resource.TestCheckResourceAttr("llm_provider.test", "extra_kwargs", `{"timeout":90}`))},
			{ResourceName: "llm_provider.test", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"api_key", "extra_kwargs", "timeouts"}},
		},
	})

	other := newTestMock(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      strings.Replace(other.providerConfig(refactor.Name), "  max_retries = 6\n", "  max_retries = 6\n  api_version = \"v2\"\n", 1) + renderResource(resourceCases()[0].base),
			ExpectError: phrases("Invalid API Version", "refactor platform has one API version", "remove api_version"),
		}},
	})
	if w := other.writes(); len(w) > 0 {
		t.Fatalf("a refused api_version still sent %v", w)
	}
}

// TestAccLLMProviderResource_keywordsaiV2ChangeNeedsTheKey: on v2 a change of extra_kwargs sends the
// key with it, since the platform replaces the object whole. An adopted record whose configuration
// holds no key cannot have extra_kwargs changed: the plan says so and nothing is sent, so the
// platform keeps its key; with api_key_wo the change goes through and carries the new key.
func TestAccLLMProviderResource_keywordsaiV2ChangeNeedsTheKey(t *testing.T) {
	m := newTestMock(t, mockserver.WithModes(mockserver.Modes{KeywordsAIGeneration: mockkeywordsai.GenerationV2}))
	provider := m.keywordsaiV2Config()
	m.call(t, http.MethodPost, "/api/providers/", map[string]any{
		"provider_id": "kw-adopted", "provider_name": "KW adopted", "extra_kwargs": map[string]any{"api_key": "k-existing", "timeout": 30},
	})
	adopt := func(attrs map[string]string) string {
		return provider + "import {\n  to = " + testResource + "\n  id = \"kw-adopted\"\n}\n" + renderResource(with(map[string]string{
			"provider_id": `"kw-adopted"`, "name": `"KW adopted"`, "extra_kwargs": `jsonencode({ timeout = 60 })`,
		}, attrs))
	}
	storedKey := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if key, ok := m.srv.KeywordsAI().StoredAPIKey("kw-adopted"); !ok || key != want {
				return fmt.Errorf("the platform holds key %q (%v), want %q", key, ok, want)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, keywordsai.Name),
		Steps: []resource.TestStep{
			{
				PreConfig: clearJournal(m),
				Config:    adopt(nil),
				ExpectError: phrases("API Key Required For This Change", "keywordsai platform's API version v2", "a change of extra_kwargs",
					"the record would lose its key", "Set api_key, or api_key_wo with api_key_wo_version"),
			},
			{
				PreConfig: func() {
					if w := m.writes(); len(w) > 0 {
						t.Errorf("a refused plan still sent %v", w)
					}
					if key, _ := m.srv.KeywordsAI().StoredAPIKey("kw-adopted"); key != "k-existing" {
						t.Errorf("the platform holds key %q after the refused plan, want k-existing", key)
					}
				},
				Config: adopt(map[string]string{"api_key_wo": `"k-rotated"`, "api_key_wo_version": `"1"`}),
				Check: resource.ComposeTestCheckFunc(storedKey("k-rotated"),
					expectBodies(t, m, http.MethodPatch, map[string]any{"extra_kwargs": map[string]any{"api_key": "k-rotated", "timeout": 60}})),
			},
		},
	})
}

// TestAccLLMProviderResource_flashbackDeleteInUse: flashback refuses to delete a configuration
// that repositories use. The destroy fails with the platform's message, which names the
// repositories, and what to do; the record stays in state and on the platform, and once the
// repositories are detached the destroy succeeds.
func TestAccLLMProviderResource_flashbackDeleteInUse(t *testing.T) {
	m := newTestMock(t)
	cfg := m.providerConfig(flashback.Name) + renderResource(resourceCases()[1].base)
	var id string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, flashback.Name),
		Steps: []resource.TestStep{
			{Config: cfg, Check: stateID(&id)},
			{
				PreConfig: func() {
					if _, err := m.srv.Flashback().AttachRepo(id, "repo-checkout"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, Destroy: true,
				ExpectError: phrases("Unable to Delete LLM Provider",
					"a configuration in use by a repository cannot be deleted: detach it from the repository first", "in use by 1", "repo-checkout"),
			},
			{
				PreConfig: func() {
					if got := m.platformKeys(t, flashback.Name); len(got) != 1 {
						t.Fatalf("after the refused delete the platform holds %v, want the record", got)
					}
					if err := m.srv.Flashback().DetachRepos(id); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
			},
		},
	})
}
