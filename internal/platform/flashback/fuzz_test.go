package flashback

import (
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

var recordCorpus = []string{
	`{"id":"11111111-1111-4111-8111-111111111111","orgId":"o","workspaceId":"ws","userId":"u","name":"n","aiType":"OPENAI","endpoint":"https://api.openai.com/v1","key":null,"createdAt":"2025-01-02T03:04:05.000Z","repos":[]}`,
	`{"id":"x","aiType":"GOOGLE","key":"sk-***","repos":[{"id":"r","name":"n","createdAt":"c"}]}`,
	`{"id":"x","name":"pri`,
	`{"id":5,"name":true}`,
	`{"id":"x","aiType":["OPENAI"]}`,
	`[]`, `null`, `""`, ``, `{}`,
}

var listCorpus = []string{
	`{"success":true,"aiLlms":[{"id":"a","name":"one","aiType":"OPENAI"},{"id":"b","aiType":"OTHER"}]}`,
	`{"success":true,"aiLlms":[]}`,
	`{"success":true,"aiLlms":[{"id":"a","name":"on`,
	`{"success":"yes","aiLlms":{}}`,
	`{"success":true,"aiLlms":[null,5,"x"]}`,
	`{"success":false,"message":"denied"}`,
	`[]`, `null`, ``,
}

// FuzzDecodeRecord asserts the decoder never panics and that a decoded record always has an id
// and never a secret.
func FuzzDecodeRecord(f *testing.F) {
	for _, body := range recordCorpus {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeRecord(body)
		if err != nil {
			return
		}
		if r.ID == "" || r.APIKey != "" || r.Secret != "" {
			t.Fatalf("DecodeRecord(%q) = %+v", body, r)
		}
	})
}

// FuzzDecodeList asserts the decoder never panics and that every decoded record has an id.
func FuzzDecodeList(f *testing.F) {
	for _, body := range listCorpus {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		records, err := DecodeList(body)
		if err != nil {
			return
		}
		if records == nil {
			t.Fatalf("DecodeList(%q) returned a nil list without an error", body)
		}
		for _, r := range records {
			if r.ID == "" || r.APIKey != "" || r.Secret != "" {
				t.Fatalf("DecodeList(%q) holds %+v", body, r)
			}
		}
	})
}

func BenchmarkUpdateBody(b *testing.B) {
	p := platform.Patch{
		Fields: []platform.Field{platform.FieldName, platform.FieldModelProvider, platform.FieldBaseURL, platform.FieldAPIKey, platform.FieldSecret},
		Values: platform.Record{Name: "n", ModelProvider: "vertex", BaseURL: "https://x.example.com", Secret: "s", WorkspaceID: "ws"},
	}
	for b.Loop() {
		if _, err := UpdateBody(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRecord(b *testing.B) {
	body := []byte(recordCorpus[0])
	for b.Loop() {
		if _, err := DecodeRecord(body); err != nil {
			b.Fatal(err)
		}
	}
}
