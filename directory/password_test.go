package directory_test

import (
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
)

func TestCheckPasswordComplexity(t *testing.T) {
	for _, tc := range []struct {
		p  string
		ok bool
	}{
		{"Abcdef1!", true},
		{"abcdef12", false}, // two classes
		{"abcdefG1", true},  // three classes
		{"Ab1!", false},     // too short
		{strings.Repeat("Ab1!", 64), true},
		{strings.Repeat("Ab1!", 64) + "x", false}, // 257
		{"ÉcoleNormale1", true},
	} {
		err := directory.CheckPasswordComplexity(tc.p)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err = %v, want ok=%v", tc.p, err, tc.ok)
		}
		if err != nil && strings.Contains(err.Error(), tc.p) {
			t.Errorf("error %q contains the password", err)
		}
	}
}
