package verify

import (
	"errors"
	"fmt"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/internal/mfapolicy"
	"github.com/google/go-cmp/cmp"
)

// requiring is an error that says what its operation needed.
type requiring struct {
	error
	req directory.Requirement
}

func (e requiring) Requirement() directory.Requirement { return e.req }
func (e requiring) Unwrap() error                      { return e.error }

// permissionHint renders whatever part of a requirement the error names,
// and falls back to a sentence naming no permission.
func TestPermissionHint(t *testing.T) {
	denied := fmt.Errorf("read %q: %w", "svc", directory.ErrPermission)
	unavailable := fmt.Errorf("read %q: %w", "svc", directory.ErrUnavailable)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"one permission", requiring{denied, directory.Requirement{Permissions: []string{"P.Read"}}},
			"The credential lacks permission to read this. Grant P.Read. Then verify again."},
		{"permissions and one role", requiring{denied, directory.Requirement{Permissions: []string{"P.Read", "P.ReadWrite"}, Roles: []string{"Reader"}}},
			"The credential lacks permission to read this. Grant P.Read (or P.ReadWrite); a signed-in (delegated) caller also needs the Reader role. Then verify again."},
		{"roles only", requiring{denied, directory.Requirement{Roles: []string{"Reader", "Admin"}}},
			"The credential lacks permission to read this. Assign the signed-in (delegated) caller one of these roles: Reader, Admin. Then verify again."},
		{"empty requirement", requiring{denied, directory.Requirement{}},
			"The credential lacks permission to read this. Grant it the permission this read needs, then verify again."},
		{"nothing said", denied,
			"The credential lacks permission to read this. Grant it the permission this read needs, then verify again."},
		{"not a denial, requirement known", requiring{unavailable, directory.Requirement{Permissions: []string{"P.Read"}}},
			"Verify again; if it persists, check the service health and the credential's permissions: Grant P.Read."},
		{"not a denial", unavailable,
			"Verify again; if it persists, check the service health and the credential's permissions."},
		{"no error chain at all", errors.New("boom"),
			"Verify again; if it persists, check the service health and the credential's permissions."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, permissionHint(tc.err)); diff != "" {
				t.Errorf("permissionHint (-want +got):\n%s", diff)
			}
		})
	}
}

// assessmentCheck maps each verdict to a status: enforced passes unless a
// report-only policy comes with a remediation (then it warns), not
// applicable passes, conditional warns, not enforced and blocked fail, and
// unknown says what would make the policies readable.
func TestAssessmentCheck(t *testing.T) {
	denied := fmt.Errorf("read the tenant's sign-in policies: %w", directory.ErrPermission)
	type got struct {
		Status      Status
		Remediation string
	}
	for _, tc := range []struct {
		name string
		a    mfapolicy.Assessment
		want got
	}{
		{"enforced", mfapolicy.Assessment{Verdict: mfapolicy.Enforced}, got{StatusPass, ""}},
		{"enforced, report-only noted", mfapolicy.Assessment{Verdict: mfapolicy.Enforced, ReportOnly: []string{"ro"}}, got{StatusPass, ""}},
		{"enforced, report-only to act on", mfapolicy.Assessment{Verdict: mfapolicy.Enforced, ReportOnly: []string{"ro"}, Remediation: "act"}, got{StatusWarn, "act"}},
		{"not applicable", mfapolicy.Assessment{Verdict: mfapolicy.NotApplicable}, got{StatusPass, ""}},
		{"conditional", mfapolicy.Assessment{Verdict: mfapolicy.Conditional, Remediation: "act"}, got{StatusWarn, "act"}},
		{"not enforced", mfapolicy.Assessment{Verdict: mfapolicy.NotEnforced, Remediation: "act"}, got{StatusFail, "act"}},
		{"blocked", mfapolicy.Assessment{Verdict: mfapolicy.Blocked, Remediation: "act"}, got{StatusFail, "act"}},
		{"unknown, denied", mfapolicy.Assessment{Verdict: mfapolicy.Unknown, Err: denied}, got{StatusUnknown, permissionHint(denied)}},
		{"unknown, unsupported", mfapolicy.Assessment{Verdict: mfapolicy.Unknown, Err: errors.ErrUnsupported},
			got{StatusUnknown, "The directory backend cannot read sign-in policies: use one that implements directory.SignInPolicyReader (the Microsoft Graph backend, graphdir, does), then verify again."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := assessmentCheck(CheckMFAEnforced, tc.a)
			if diff := cmp.Diff(tc.want, got{c.Status, c.Remediation}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
