package keywordsai

import "github.com/llmconfig/terraform-provider-llm/internal/platform"

// DecodeList decodes one list answer of either generation, for the fuzz test.
func DecodeList(body []byte) ([]platform.Record, error) {
	records, _, err := decodePage(body)
	return records, err
}
