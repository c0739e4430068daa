package flashback

import (
	"fmt"
	"strings"
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
		if _, err := updateBody(p); err != nil {
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

// BenchmarkDecodeList decodes a list of 500 records, the answer every read-back of a create
// decodes when a workspace holds 500 configurations.
func BenchmarkDecodeList(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{"success":true,"aiLlms":[`)
	for i := range 500 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"id":"9b2f0c1e-5d4a-4c7b-8e3f-%012d","orgId":"org-1","workspaceId":"ws-1","userId":"user-1","name":"config-%d","aiType":"OPENAI","endpoint":"https://api.openai.com/v1","key":null,"createdAt":"2026-12-03T06:00:00.000Z","repos":[]}`, i, i)
	}
	body.WriteString(`]}`)
	data := []byte(body.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if records, err := DecodeList(data); err != nil || len(records) != 500 {
			b.Fatalf("DecodeList: %d records, %v", len(records), err)
		}
	}
}
