//go:build !js

package main

import "testing"

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 10 << 20, true},
		{"1048576", 1 << 20, true},
		{"512KB", 512 << 10, true},
		{"10 mb", 10 << 20, true},
		{"2GB", 2 << 30, true},
		{"0", 0, false},
		{"-5MB", 0, false},
		{"ten", 0, false},
		{"5TB", 0, false},
	} {
		got, err := parseSize(tt.in, 10<<20)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("parseSize(%q) = %d, %v", tt.in, got, err)
		}
	}
}
