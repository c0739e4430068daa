package platform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

func TestRedactLongerSecretsFirst(t *testing.T) {
	// "sk-abcd" is inside "sk-abcdefgh"; were it replaced first, "efgh" would stay readable.
	text := "key sk-abcdefgh and prefix sk-abcd"
	for _, order := range [][]string{{"sk-abcd", "sk-abcdefgh"}, {"sk-abcdefgh", "sk-abcd"}} {
		got := platform.Redact(text, order...)
		want := "key [REDACTED] and prefix [REDACTED]"
		if got != want {
			t.Errorf("Redact(%q, %q) = %q, want %q", text, order, got, want)
		}
		if strings.Contains(got, "efgh") {
			t.Errorf("a tail of the longer secret survived: %q", got)
		}
	}
}

func TestRedactReplacesEveryOccurrence(t *testing.T) {
	got := platform.Redact("tok-123 then tok-123 again", "tok-123")
	if got != "[REDACTED] then [REDACTED] again" {
		t.Fatalf("Redact = %q", got)
	}
}

func TestRedactIgnoresShortStrings(t *testing.T) {
	text := "a short id abc and an empty secret"
	// "" would put a marker between every character; "abc" would make messages unreadable.
	if got := platform.Redact(text, "", "a", "abc"); got != text {
		t.Fatalf("short secrets were redacted: %q", got)
	}
	if got := platform.Redact("value abcd here", "abcd"); got != "value [REDACTED] here" {
		t.Fatalf("a four-character secret was kept: %q", got)
	}
}

func TestRedactNoSecrets(t *testing.T) {
	if got := platform.Redact("nothing to hide"); got != "nothing to hide" {
		t.Fatalf("Redact without secrets = %q", got)
	}
}

func TestRedactDoesNotReorderCallerSlice(t *testing.T) {
	secrets := []string{"short-1", "a-much-longer-secret"}
	platform.Redact("x", secrets...)
	if !slices.Equal(secrets, []string{"short-1", "a-much-longer-secret"}) {
		t.Fatalf("Redact reordered the caller's slice: %v", secrets)
	}
}

func TestSecretsOf(t *testing.T) {
	r := platform.Record{
		Name:        "not-a-secret",
		APIKey:      "sk-api-key",
		Secret:      "the-secret",
		Credentials: map[string]string{"api_key": "cred-key", "organization": "org-cred"},
		ExtraKwargs: map[string]any{
			"base_url":  "https://proxy.example.com/v1",
			"plain_url": "http://127.0.0.1:8080",
			"token":     "kw-token",
			"timeout":   float64(30),
		},
	}
	got := platform.SecretsOf(r)
	for _, want := range []string{"sk-api-key", "the-secret", "cred-key", "org-cred", "kw-token"} {
		if !slices.Contains(got, want) {
			t.Errorf("SecretsOf misses %q: %v", want, got)
		}
	}
	for _, public := range []string{"https://proxy.example.com/v1", "http://127.0.0.1:8080", "not-a-secret"} {
		if slices.Contains(got, public) {
			t.Errorf("SecretsOf lists the public value %q", public)
		}
	}

	msg := platform.Redact("base_url https://proxy.example.com/v1 rejected key sk-api-key and kw-token", got...)
	if msg != "base_url https://proxy.example.com/v1 rejected key [REDACTED] and [REDACTED]" {
		t.Errorf("redacted message = %q", msg)
	}
}

func TestSecretsOfEmptyRecord(t *testing.T) {
	// An empty record yields only empty strings, which Redact must skip.
	secrets := platform.SecretsOf(platform.Record{})
	if got := platform.Redact("unchanged", secrets...); got != "unchanged" {
		t.Fatalf("Redact with the secrets of an empty record = %q", got)
	}
}
