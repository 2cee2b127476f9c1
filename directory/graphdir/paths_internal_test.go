package graphdir

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzODataEscaping: whatever a principal ID or UPN holds, the filter means
// exactly "principalId eq <that value>" and the user path addresses exactly
// that key; no value can end the literal or add a path segment.
func FuzzODataEscaping(f *testing.F) {
	for _, s := range []string{"o'brien@contoso.com", "x' or principalId ne '", "''", "'", "$svc@contoso.com",
		"a%2Fb@c.com", "a#EXT#@c.com", "a&b=c@d.com", "émile zola@contoso.com", "../users", "$batch", "a/b", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		filter := principalFilter(s)
		lit, ok := strings.CutPrefix(filter, "principalId eq '")
		if !ok || !strings.HasSuffix(lit, "'") {
			t.Fatalf("filter %q does not have the form principalId eq '...'", filter)
		}
		inner := lit[:len(lit)-1]
		if strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
			t.Fatalf("filter %q: an undoubled quote ends the literal early", filter)
		}
		if got := strings.ReplaceAll(inner, "''", "'"); got != s {
			t.Fatalf("filter %q means %q, not %q", filter, got, s)
		}

		p := userPath(s)
		switch {
		case strings.HasPrefix(s, "$"):
			key, ok := strings.CutPrefix(p, "/users(")
			if !ok || !strings.HasSuffix(key, ")") {
				t.Fatalf("path %q for %q", p, s)
			}
			unq, err := url.PathUnescape(strings.TrimSuffix(key, ")"))
			if err != nil {
				t.Fatalf("path %q: %v", p, err)
			}
			if len(unq) < 2 || unq[0] != '\'' || unq[len(unq)-1] != '\'' ||
				strings.ReplaceAll(unq[1:len(unq)-1], "''", "'") != s ||
				strings.Contains(strings.ReplaceAll(unq[1:len(unq)-1], "''", ""), "'") {
				t.Fatalf("path %q does not quote %q as one key literal", p, s)
			}
		default:
			seg, ok := strings.CutPrefix(p, "/users/")
			if !ok || strings.ContainsAny(seg, "/?#'") && s != "" {
				t.Fatalf("path %q for %q adds structure", p, s)
			}
			if got, err := url.PathUnescape(seg); err != nil || got != s {
				t.Fatalf("path %q decodes to %q (%v), want %q", p, got, err, s)
			}
		}
	})
}
