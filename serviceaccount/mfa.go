package serviceaccount

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/internal/mfapolicy"
)

// ErrMFANotEnforced reports, for a Spec with RequireMFAEnforced, a tenant
// whose sign-in policies would not certainly require MFA when the account
// signs in (or could not be read). It is a refusal before any write.
var ErrMFANotEnforced = errors.New("serviceaccount: the tenant would not require MFA for the account")

// mfaSubject is the account as the tenant's sign-in policies will see it
// once provisioned: its object ID and groups when it exists, and the
// roles it holds plus those the plan assigns.
func mfaSubject(snap directory.Snapshot, n normalized, now time.Time) mfapolicy.Subject {
	var s mfapolicy.Subject
	if snap.UserErr == nil {
		s = mfapolicy.SubjectFromSnapshot(snap, now)
	}
	// A new account has no groups and no PIM eligibility yet.
	for _, r := range n.roles {
		s.Roles = append(s.Roles, mfapolicy.Role{ID: r.ID, Scope: directory.TenantScope})
	}
	return s
}

// mfaCheck evaluates the tenant's sign-in policies for the account (the
// evaluation of verify's mfa.enforced): a warning when MFA would not
// certainly be required, and with spec.RequireMFAEnforced an error
// satisfying errors.Is(err, ErrMFANotEnforced) instead.
func mfaCheck(snap directory.Snapshot, n normalized, now time.Time) (warning string, err error) {
	a := mfapolicy.MFA(mfaSubject(snap, n, now), snap.SignInPolicies)
	var what string
	switch a.Verdict {
	case mfapolicy.Enforced:
		return "", nil
	case mfapolicy.Conditional:
		what = "MFA would be required only conditionally when the account signs in"
	case mfapolicy.Blocked:
		what = "the tenant blocks the account's sign-ins"
	case mfapolicy.NotEnforced:
		what = "the tenant would not require MFA when the account signs in"
	default:
		what = "could not tell whether the tenant would require MFA when the account signs in"
		if req, ok := directory.RequirementOf(a.Err); ok && len(req.Permissions) > 0 {
			a.Remediation = "Grant " + strings.Join(req.Permissions, " or ") + " to check."
		}
	}
	msg := what + ": " + a.Evidence
	if a.Remediation != "" {
		msg += ". " + a.Remediation
	}
	if n.spec.RequireMFAEnforced {
		return "", fmt.Errorf("%w: %s", ErrMFANotEnforced, msg)
	}
	return msg, nil
}
