package platform

import (
	"encoding/json"
	"sort"
	"strings"
)

// RedactedMarker replaces a secret in any text shown to a person.
const RedactedMarker = "[REDACTED]"

// minSecretLen avoids redacting short, common strings that would make messages unreadable.
const minSecretLen = 4

// Redact replaces every occurrence of each secret in text. Longer secrets go first so that a
// secret containing another is removed whole.
func Redact(text string, secrets ...string) string {
	sorted := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			sorted = append(sorted, s)
			// A platform may echo the secret inside JSON, escaped: redact that form too.
			if quoted, err := json.Marshal(s); err == nil {
				if escaped := string(quoted[1 : len(quoted)-1]); escaped != s {
					sorted = append(sorted, escaped)
				}
			}
		}
	}
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, s := range sorted {
		text = strings.ReplaceAll(text, s, RedactedMarker)
	}
	return text
}

// SecretsOf lists the secret values of r: the API key, the secret, every credential value and
// every string in extra_kwargs.
func SecretsOf(r Record) []string {
	out := []string{r.APIKey, r.Secret}
	for _, v := range r.Credentials {
		out = append(out, v)
	}
	return appendSecretStrings(out, r.ExtraKwargs)
}

// appendSecretStrings collects every string nested in v (maps and lists too), but URLs.
func appendSecretStrings(out []string, v any) []string {
	switch t := v.(type) {
	case string:
		if !looksPublic(t) {
			out = append(out, t)
		}
	case map[string]any:
		for _, e := range t {
			out = appendSecretStrings(out, e)
		}
	case []any:
		for _, e := range t {
			out = appendSecretStrings(out, e)
		}
	}
	return out
}

// looksPublic keeps URLs in extra_kwargs (base_url) readable in error messages.
func looksPublic(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
