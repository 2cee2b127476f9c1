package verify

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
)

// Sign-in activity is evidence for a password.changed check that has a
// verdict; an unknown one (the timestamps could not be read) and the other
// checks keep their evidence.
func TestWithSignInEvidenceUnknown(t *testing.T) {
	snap := directory.Snapshot{SignInActivity: directory.SignInActivity{LastSuccessfulSignInDateTime: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}}
	in := []Check{
		unknown(CheckPasswordChanged, "lastPasswordChangeDateTime could not be read", "retry"),
		pass(CheckMFARegistered, "authenticator"),
	}
	want := []Check{
		unknown(CheckPasswordChanged, "lastPasswordChangeDateTime could not be read", "retry"),
		pass(CheckMFARegistered, "authenticator"),
	}
	if diff := cmp.Diff(want, withSignInEvidence(in, snap)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A Temporary Access Pass whose usability the backend did not report
// counts as usable: it keeps credential.registered failing "not yet"
// rather than "no usable pass", and warns beside a strong method.
func TestCredentialCheckPassUsabilityUnreported(t *testing.T) {
	tap := directory.AuthenticationMethod{ID: "t", Type: directory.MethodTemporaryAccessPass}
	strong := directory.AuthenticationMethod{ID: "a", Type: directory.MethodMicrosoftAuthenticator}
	for _, tc := range []struct {
		name    string
		methods []directory.AuthenticationMethod
		want    Status
		ev      string
	}{
		{"pass alone", []directory.AuthenticationMethod{tap}, StatusFail, "no strong method registered yet"},
		{"pass and a strong method", []directory.AuthenticationMethod{tap, strong}, StatusWarn, "strong method(s) registered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := (&Verifier{}).credentialCheck(directory.Snapshot{AuthenticationMethods: tc.methods})
			if c.Status != tc.want || !strings.HasPrefix(c.Evidence, tc.ev) {
				t.Errorf("%s %q, want %s %q...", c.Status, c.Evidence, tc.want, tc.ev)
			}
		})
	}
}
