package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

var uuidRegexp = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// jsonObjectValidator accepts a string that parses as one JSON object.
type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string {
	return "value must be a JSON object, e.g. jsonencode({ key = \"value\" })"
}
func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseJSONObject(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON Object",
			fmt.Sprintf("%s must be a JSON object such as jsonencode({ region = \"us-east-1\" }): %s.", req.Path, err))
	}
}

func parseJSONObject(s string) (map[string]any, error) {
	// Numbers stay exact (json.Number): an integer above 2^53 must reach the platform unchanged.
	obj, err := platform.DecodeObject([]byte(s))
	if err != nil {
		if json.Valid([]byte(s)) {
			return nil, fmt.Errorf("it is JSON but not an object")
		}
		return nil, fmt.Errorf("it does not parse as JSON (%v)", err)
	}
	if obj == nil {
		return nil, fmt.Errorf("it is JSON but not an object")
	}
	return obj, nil
}

// httpURLValidator accepts an absolute http or https URL.
type httpURLValidator struct{}

func (httpURLValidator) Description(context.Context) string {
	return "value must be an absolute http:// or https:// URL"
}
func (v httpURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (httpURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s must be an absolute http:// or https:// URL, got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}
