package render

import (
	"testing"
	"unicode/utf16"
)

// utf16LE encodes s as UTF-16LE with a byte order mark.
func utf16LE(s string) string {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return string(out)
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name          string
		before, after string
		want          string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one line changed", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{"line added at end", "[s]\na = 1\n", "[s]\na = 1\nb = 2\n",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n [s]\n a = 1\n+b = 2\n"},
		{"CRLF and a UTF-8 byte order mark", "\ufeff[s]\r\na = 1\r\n", "\ufeff[s]\r\na = 2\r\n",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n [s]\n-a = 1\n+a = 2\n"},
		{"UTF-16LE with a byte order mark", utf16LE("[s]\r\na = 1\r\n"), utf16LE("[s]\r\na = 2\r\n"),
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n [s]\n-a = 1\n+a = 2\n"},
		{"UTF-16BE with a byte order mark", "\xFE\xFF\x00[\x00s\x00]\x00\n", "\xFE\xFF\x00[\x00t\x00]\x00\n",
			"--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-[s]\n+[t]\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny\n",
			"--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := UnifiedDiff("f", []byte(tc.before), []byte(tc.after))
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
