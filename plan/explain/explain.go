package explain

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Entry is one error: what it looks like and what to do about it.
type Entry struct {
	// ID names the entry: "schannel-0x80090331".
	ID string `json:"id"`
	// Name is how people search for it: a code, or the message's key
	// words.
	Name string `json:"name"`
	// Title is the error as it is usually written.
	Title string `json:"title"`
	// Where says who reports it and where it shows.
	Where string `json:"where"`
	// Codes are the tokens that identify it exactly ("0x80090331",
	// "SEC_E_ALGORITHM_MISMATCH", "NET::ERR_CERT_AUTHORITY_INVALID"). A
	// hex code also matches without 0x and as the signed decimal Windows
	// sometimes logs (-2146893007).
	Codes []string `json:"codes"`
	// Phrases are parts of the message text that identify it.
	Phrases []string `json:"phrases"`
	Cause   string   `json:"cause"`
	Confirm []string `json:"confirm"`
	Fix     []string `json:"fix"`
	// Checks are the ids of the certform checks that prevent it.
	Checks []string `json:"checks"`
	// Source names the seed document the knowledge comes from, if any.
	Source string `json:"source,omitempty"`
}

var hexCode = regexp.MustCompile(`(?i)\b(?:0x)?(8009[0-9a-f]{4})\b`)

// Lookup returns the entries a code or message refers to, best first; nil
// when none does. A query holding an exact code ("0x80090331",
// "ERR_CERT_DATE_INVALID") returns that entry only; otherwise every entry
// whose phrases appear in the query is returned, those matching the
// longest phrase first.
func Lookup(query string) []*Entry {
	q := normalize(query)
	if q == "" {
		return nil
	}
	var exact []*Entry
	for _, e := range entries {
		if e.matchesCode(q) {
			exact = append(exact, e)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	type scored struct {
		e     *Entry
		score int
	}
	var hits []scored
	for _, e := range entries {
		best := 0
		for _, p := range e.Phrases {
			if np := normalize(p); strings.Contains(q, np) && len(np) > best {
				best = len(np)
			}
		}
		if best > 0 {
			hits = append(hits, scored{e, best})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	var out []*Entry
	for _, h := range hits {
		out = append(out, h.e)
	}
	return out
}

// All returns every entry, in the order the knowledge base lists them.
func All() []*Entry { return append([]*Entry(nil), entries...) }

// matchesCode reports whether the normalized query holds one of the
// entry's codes as a whole token.
func (e *Entry) matchesCode(q string) bool {
	for _, c := range e.Codes {
		for _, form := range codeForms(c) {
			if containsToken(q, form) {
				return true
			}
		}
	}
	return false
}

// codeForms lists how a code may be written: as given, and for a 32-bit
// hex code also without 0x and as a signed decimal.
func codeForms(code string) []string {
	c := normalize(code)
	forms := []string{c}
	if m := hexCode.FindStringSubmatch(c); m != nil && len(m[0]) == len(c) {
		n, err := strconv.ParseUint(m[1], 16, 32)
		if err == nil {
			forms = append(forms, m[1], "0x"+m[1], strconv.FormatInt(int64(int32(uint32(n))), 10))
		}
	}
	if strings.HasPrefix(c, "net::") {
		forms = append(forms, strings.TrimPrefix(c, "net::"))
	}
	return forms
}

// containsToken reports whether token occurs in s with no letter, digit,
// or underscore on either side.
func containsToken(s, token string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], token)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(token)
		if (start == 0 || !wordByte(s[start-1])) && (end == len(s) || !wordByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func wordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z'
}

// normalize lowercases and collapses white space and quotes, so that a
// message copied from a log matches however it was wrapped.
func normalize(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "'", `"`).Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// Known lists the name of every entry, for a "no match" message.
func Known() []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name)
	}
	return out
}

// String is the entry's title, for messages.
func (e *Entry) String() string { return fmt.Sprintf("%s (%s)", e.Title, e.ID) }
