//go:build !js

package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, c config)
		wantErr string
	}{
		{"defaults", nil, func(t *testing.T, c config) {
			if c.Addr != "127.0.0.1:8080" || c.BaseURL.String() != "http://localhost:8080" || c.PublicBurst != 60 || c.Demo {
				t.Fatalf("unexpected defaults: %+v", c)
			}
		}, ""},
		{"base url follows the port", map[string]string{"FRONTDESK_ADDR": ":9000"}, func(t *testing.T, c config) {
			if c.BaseURL.String() != "http://localhost:9000" {
				t.Fatalf("base = %s", c.BaseURL)
			}
		}, ""},
		{"explicit values", map[string]string{"FRONTDESK_BASE_URL": "https://fd.example.com/", "FRONTDESK_PUBLIC_REFILL": "2s", "FRONTDESK_DEMO": "true"}, func(t *testing.T, c config) {
			if c.BaseURL.String() != "https://fd.example.com" || c.PublicEvery != 2*time.Second || !c.Demo {
				t.Fatalf("unexpected: %+v", c)
			}
		}, ""},
		{"bad values are all reported", map[string]string{"FRONTDESK_BASE_URL": "ftp://x", "FRONTDESK_PUBLIC_BURST": "-1", "FRONTDESK_DEMO": "maybe"}, nil, "FRONTDESK_BASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "FRONTDESK_PUBLIC_BURST") || !strings.Contains(err.Error(), "FRONTDESK_DEMO") {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}
