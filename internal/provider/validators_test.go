package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// validateString runs a string validator on one value and returns its error details.
func validateString(v validator.String, value types.String) []string {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}, resp)
	var out []string
	for _, d := range resp.Diagnostics.Errors() {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return out
}

// TestValidators: each custom validator accepts what it should, refuses each kind of bad value
// with an error that names the attribute and says what is allowed, and leaves null and unknown
// values alone (Terraform checks them again once they are known).
func TestValidators(t *testing.T) {
	for _, tc := range []struct {
		name      string
		validator validator.String
		value     types.String
		// want is empty for a value that passes, else parts every error must hold.
		want []string
	}{
		{"json object", jsonObjectValidator{}, types.StringValue(`{"region":"us-east-1","n":9007199254740993}`), nil},
		{"empty json object", jsonObjectValidator{}, types.StringValue(`{}`), nil},
		{"json array", jsonObjectValidator{}, types.StringValue(`[1,2]`), []string{"Invalid JSON Object", "attr must be a JSON object such as", "it is JSON but not an object"}},
		{"json null", jsonObjectValidator{}, types.StringValue(`null`), []string{"Invalid JSON Object", "it is JSON but not an object"}},
		{"json string", jsonObjectValidator{}, types.StringValue(`"x"`), []string{"it is JSON but not an object"}},
		{"not json", jsonObjectValidator{}, types.StringValue(`{region = "us"}`), []string{"attr must be a JSON object", "does not parse as JSON"}},
		{"json null value", jsonObjectValidator{}, types.StringNull(), nil},
		{"json unknown", jsonObjectValidator{}, types.StringUnknown(), nil},
		{"https url", httpURLValidator{}, types.StringValue("https://api.openai.com/v1"), nil},
		{"http url", httpURLValidator{}, types.StringValue("http://127.0.0.1:8080"), nil},
		{"no scheme", httpURLValidator{}, types.StringValue("api.openai.com"), []string{"Invalid URL", "attr must be an absolute http:// or https:// URL", `"api.openai.com"`}},
		{"other scheme", httpURLValidator{}, types.StringValue("ftp://files.example.com"), []string{"must be an absolute http:// or https:// URL"}},
		{"no host", httpURLValidator{}, types.StringValue("https://"), []string{"Invalid URL"}},
		{"not a url", httpURLValidator{}, types.StringValue("https://exa mple.com/%zz"), []string{"Invalid URL"}},
		{"url null", httpURLValidator{}, types.StringNull(), nil},
		{"url unknown", httpURLValidator{}, types.StringUnknown(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validateString(tc.validator, tc.value)
			if len(tc.want) == 0 {
				if len(got) != 0 {
					t.Fatalf("%s refused: %v", tc.value, got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%s: %d errors %v, want one", tc.value, len(got), got)
			}
			for _, part := range tc.want {
				if !strings.Contains(got[0], part) {
					t.Errorf("error %q lacks %q", got[0], part)
				}
			}
		})
	}
}
