package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// addAPIError reports a failed platform call with one wording: what failed, what to do, and the
// platform's own status and message. The error text is already free of secrets.
func addAPIError(diags *diag.Diagnostics, verb string, spec platform.Spec, err error) {
	if skews := platform.SkewErrors(err); len(skews) > 0 {
		addSkewErrors(diags, verb, skews)
		return
	}
	var foreign *platform.ForeignRecordError
	if errors.As(err, &foreign) {
		addForeignRecordError(diags, spec, foreign)
		return
	}
	summary := fmt.Sprintf("Unable to %s LLM Provider", verb)
	advice := "Check the configuration and the platform's message below, then run the command again."
	var apiErr *platform.APIError
	var tokenErr *platform.TokenError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		advice = "The operation ran out of time. Raise the matching value in the resource's timeouts block, or check that the platform is reachable."
	case errors.Is(err, context.Canceled):
		advice = "The operation was cancelled."
	case errors.As(err, &tokenErr):
		advice = "No access token could be obtained from the token endpoint. Check the provider's client credentials (client_id, client_secret, token_url) and that the token endpoint is reachable."
	case errors.As(err, &apiErr):
		switch apiErr.Kind {
		case platform.KindAuth:
			advice = "The platform refused the token. Check the provider's token (or LLM_TOKEN), or its client credentials, and that they are valid for this endpoint."
		case platform.KindPermission:
			advice = "The platform refused the change: the token may not change this record, or the platform does not allow it now (its message below says which)."
			if spec.PermissionHint != "" {
				advice += " " + spec.PermissionHint
			}
		case platform.KindConflict:
			advice = "A record with the same unique key already exists on the platform. Import it (terraform import, or an import block) instead of creating it, or choose another name."
		case platform.KindNotFound:
			advice = "The record no longer exists on the platform. Run terraform plan again: refresh removes it from state."
		case platform.KindValidation:
			advice = "The platform rejected a value. Correct the attribute its message names."
		case platform.KindRateLimited:
			advice = "The platform kept rate limiting after all retries. Lower rate_limit or raise max_retries in the provider block, or run with a lower -parallelism."
		case platform.KindServer:
			advice = "The platform failed after all retries. Try again later."
		}
	case errors.Is(err, platform.ErrAmbiguous):
		advice = "The request may have reached the platform, and looking the record up afterwards did not settle it. " +
			"Run terraform apply again: it never creates the record twice, and a record this create made is reported with the import block that takes it into state."
	}
	diags.AddError(summary, fmt.Sprintf("%s on the %s platform failed. %s\n\nAPI error: %s", verb, spec.Name, advice, err))
}

// addSkewErrors reports, on each attribute, a write the platform answered without applying it:
// a platform version that does not know the field. It says what the state now holds, so the
// user knows why the next plan shows the change again.
func addSkewErrors(diags *diag.Diagnostics, verb string, skews []*platform.SkewError) {
	after := "State holds what the platform returned, so the next plan shows the change again."
	if verb == "Create" {
		after = "The record was created and is kept in state as the platform holds it, marked tainted: the next apply replaces it."
	}
	for _, s := range skews {
		diags.AddAttributeError(path.Root(string(s.Field)), "Platform Did Not Apply Attribute",
			fmt.Sprintf("%s on the %s platform did not apply %s. %s %s", verb, s.Platform, s.Field, s.Error(), after))
	}
}

// addForeignRecordError reports a create that found a record with the same unique key which this
// configuration cannot show it made, with the import block and command that adopt it on purpose.
// Terraform does not tell a provider the resource's address, so ADDRESS stands for it; the
// diagnostic is shown under that address.
func addForeignRecordError(diags *diag.Diagnostics, spec platform.Spec, e *platform.ForeignRecordError) {
	where := ""
	if e.WorkspaceID != "" {
		where = " in workspace " + e.WorkspaceID
	}
	diags.AddAttributeError(path.Root(string(e.Key)), "Existing Record Not Taken Over",
		fmt.Sprintf("Create on the %s platform found %s %s%s with %s %q, and it cannot be shown to be the record this create made: %s. "+
			"It was neither changed nor taken into state.\n\n"+
			"If this resource should manage that record, import it: add this import block, with ADDRESS replaced by this resource's address (shown above), "+
			"and run terraform apply:\n\n"+
			"import {\n  to = llm_provider.ADDRESS\n  id = %q\n}\n\n"+
			"or run: terraform import 'llm_provider.ADDRESS' '%s'\n\n"+
			"Otherwise give this resource another %s.",
			spec.Name, spec.Noun, e.ID, where, e.Key, e.Value, e.Reason, e.ID, e.ID, e.Key))
}
