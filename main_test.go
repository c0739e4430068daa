package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAlignLogLevels(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"nothing asked: every library off", nil,
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_LLM": "OFF"}},
		{"TF_LOG sets them all", map[string]string{"TF_LOG": "DEBUG"},
			map[string]string{"TF_LOG_SDK": "DEBUG", "TF_LOG_SDK_PROTO": "DEBUG", "TF_LOG_SDK_FRAMEWORK": "DEBUG", "TF_LOG_PROVIDER_LLM": "DEBUG"}},
		{"TF_LOG_PROVIDER wins over TF_LOG", map[string]string{"TF_LOG": "ERROR", "TF_LOG_PROVIDER": "TRACE"},
			map[string]string{"TF_LOG_SDK": "TRACE", "TF_LOG_SDK_FRAMEWORK": "TRACE"}},
		{"TF_LOG=JSON is trace", map[string]string{"TF_LOG": "json"}, map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"}},
		{"an explicit library level is kept", map[string]string{"TF_LOG_SDK_FRAMEWORK": "WARN"},
			map[string]string{"TF_LOG_SDK_FRAMEWORK": "WARN", "TF_LOG_SDK": "OFF"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, sdkLogLevelEnvs...) {
				t.Setenv(name, tc.env[name])
				if tc.env[name] == "" {
					os.Unsetenv(name)
				}
			}
			alignLogLevels()
			for name, want := range tc.want {
				if got := os.Getenv(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestStartCPUProfileWritesAProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.pprof")
	stop, err := startCPUProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	info, err := os.Stat(path)
	if err != nil || info.Size() == 0 {
		t.Fatalf("profile %s: %v, %v bytes", path, err, info)
	}
}
