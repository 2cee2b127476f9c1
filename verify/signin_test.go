package verify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/verify"
)

// TestPasswordChangedSignInEvidence: the last successful sign-in is added
// to password.changed's evidence where it can be read, and leaves the
// check's status alone where it cannot.
func TestPasswordChangedSignInEvidence(t *testing.T) {
	for _, tc := range []struct {
		name    string
		deny    bool
		want    []string
		notWant string
	}{
		{"readable", false, []string{"by a sign-in or an administrator's reset", "last successful sign-in 2026-03-02T10:00:00Z"}, ""},
		{"not readable", true, []string{"by a sign-in or an administrator's reset"}, "sign-in 2026"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := newTenant()
			acct := tn.passingAccount(t, upn)
			if tc.deny {
				tn.SetFault(denyOp(directorytest.OpSignInActivity))
			}
			rep, err := tn.verifier(tn.Fake).Verify(context.Background(), acct)
			if err != nil {
				t.Fatal(err)
			}
			c := mustCheck(t, rep, verify.CheckPasswordChanged)
			if c.Status != verify.StatusPass {
				t.Errorf("status = %s, want pass", c.Status)
			}
			for _, w := range tc.want {
				if !strings.Contains(c.Evidence, w) {
					t.Errorf("evidence %q does not contain %q", c.Evidence, w)
				}
			}
			if tc.notWant != "" && strings.Contains(c.Evidence, tc.notWant) {
				t.Errorf("evidence %q contains %q", c.Evidence, tc.notWant)
			}
		})
	}
}
