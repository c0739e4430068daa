package provider

import (
	"fmt"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// newPlatformClient builds the client of the named platform.
func newPlatformClient(name platform.Name, cfg platform.HTTPConfig) (platform.Client, error) {
	switch name {
	case platform.Refactor:
		return refactor.New(cfg)
	case platform.Flashback:
		return flashback.New(cfg)
	case platform.Barndoor:
		return barndoor.New(cfg)
	case platform.KeywordsAI:
		return keywordsai.New(cfg)
	}
	return nil, fmt.Errorf("unknown platform %q", name)
}
