package serviceaccount

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestGeneratePassword(t *testing.T) {
	const n = 2000
	seen := map[string]bool{}
	counts := map[byte]int{}
	all := lowerChars + upperChars + digitChars + symbolChars
	for range n {
		p, err := generatePassword(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		s := p.Reveal()
		if len(s) != PasswordLength {
			t.Fatalf("password of %d characters", len(s))
		}
		for _, set := range []string{lowerChars, upperChars, digitChars, symbolChars} {
			if !strings.ContainsAny(s, set) {
				t.Fatalf("a password lacks a character of %q", set)
			}
		}
		if strings.Trim(s, all) != "" {
			t.Fatalf("a password has a character outside %q", all)
		}
		if err := validatePassword(p); err != nil {
			t.Fatalf("a generated password fails validation: %v", err)
		}
		if seen[s] {
			t.Fatal("the same password twice")
		}
		seen[s] = true
		for i := range len(s) {
			counts[s[i]]++
		}
	}
	// Every character of the alphabet turns up, and none dominates: the
	// draw is uniform enough that 48,000 characters over 71 symbols put
	// each within a wide band around the mean.
	if len(counts) != len(all) {
		t.Errorf("%d distinct characters used, want %d", len(counts), len(all))
	}
	mean := float64(n*PasswordLength) / float64(len(all))
	for c, k := range counts {
		if float64(k) < mean/2 || float64(k) > mean*2 {
			t.Errorf("character %q drawn %d times, mean %.0f", c, k, mean)
		}
	}
}

func TestGeneratePasswordReaderFails(t *testing.T) {
	boom := errors.New("entropy exhausted")
	p, err := generatePassword(iotest.ErrReader(boom))
	if !errors.Is(err, boom) || !p.IsZero() {
		t.Errorf("generatePassword = %v, %v; want %v and no password", p, err, boom)
	}
}
