package platform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// TestSpecAPIVersions: api_version picks one of the platform's generations, empty means the first,
// and a name the platform lacks is refused with the names it has.
func TestSpecAPIVersions(t *testing.T) {
	spec := platform.Spec{Name: "p", APIVersions: []platform.APIVersion{
		{Name: "v1"}, {Name: "v2", KeySentWith: []platform.Field{platform.FieldExtraKwargs}},
	}}
	if got := spec.Version("").Name; got != "v1" {
		t.Errorf("Version(\"\") = %q, want the first, v1", got)
	}
	if got := spec.Version("v2"); got.Name != "v2" || !slices.Equal(got.KeySentWith, []platform.Field{platform.FieldExtraKwargs}) {
		t.Errorf("Version(\"v2\") = %+v", got)
	}
	if got := (platform.Spec{Name: "one"}).Version(""); got.Name != "" || got.KeySentWith != nil {
		t.Errorf("a platform with one API version has no named version, got %+v", got)
	}
	for _, v := range []string{"", "v1", "v2"} {
		if err := spec.CheckAPIVersion(v); err != nil {
			t.Errorf("CheckAPIVersion(%q) = %v", v, err)
		}
	}
	if err := spec.CheckAPIVersion("v3"); err == nil || !strings.Contains(err.Error(), `no API version "v3"; allowed: v1, v2`) {
		t.Errorf("CheckAPIVersion(v3) = %v", err)
	}
	if err := (platform.Spec{Name: "one"}).CheckAPIVersion("v1"); err == nil || !strings.Contains(err.Error(), "remove api_version") {
		t.Errorf("CheckAPIVersion on a one-version platform = %v", err)
	}
}
