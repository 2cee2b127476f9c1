package verify

import (
	"errors"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/internal/mfapolicy"
)

// Check IDs of the sign-in policy rules. They are stable: programs may
// match on them.
const (
	// CheckMFAEnforced: MFA will be required when the account signs in
	// (security defaults, or an enabled Conditional Access policy covering
	// the account for every resource).
	CheckMFAEnforced = "mfa.enforced"
	// CheckMFAPhishingResistant: an account holding a highly privileged
	// role (roles.HighlyPrivileged) has a phishing-resistant method and is
	// required to use it (CISA SCuBA MS.AAD.3.6v1).
	CheckMFAPhishingResistant = "mfa.phishing-resistant"
)

// mfaPolicyChecks evaluates the tenant's sign-in policies for the account
// the snapshot read (see package internal/mfapolicy for the rules).
func mfaPolicyChecks(snap directory.Snapshot, now time.Time) []Check {
	s := mfapolicy.SubjectFromSnapshot(snap, now)
	return []Check{
		assessmentCheck(CheckMFAEnforced, mfapolicy.MFA(s, snap.SignInPolicies)),
		assessmentCheck(CheckMFAPhishingResistant,
			mfapolicy.PhishingResistant(s, snap.SignInPolicies, snap.AuthenticationMethods, snap.AuthenticationMethodsErr)),
	}
}

// assessmentCheck turns an assessment into a check: enforced passes (warns
// when a report-only policy would also apply), conditional warns, not
// enforced and blocked fail, unknown says what would make the policies
// readable.
func assessmentCheck(id string, a mfapolicy.Assessment) Check {
	switch a.Verdict {
	case mfapolicy.Enforced:
		if len(a.ReportOnly) > 0 && a.Remediation != "" {
			return check(id, StatusWarn, a.Evidence, a.Remediation)
		}
		return pass(id, a.Evidence)
	case mfapolicy.NotApplicable:
		return pass(id, a.Evidence)
	case mfapolicy.Conditional:
		return check(id, StatusWarn, a.Evidence, a.Remediation)
	case mfapolicy.NotEnforced, mfapolicy.Blocked:
		return fail(id, a.Evidence, a.Remediation)
	}
	if errors.Is(a.Err, errors.ErrUnsupported) {
		return unknown(id, a.Evidence, "The directory backend cannot read sign-in policies: use one that implements directory.SignInPolicyReader (the Microsoft Graph backend, graphdir, does), then verify again.")
	}
	return unknown(id, a.Evidence, permissionHint(a.Err))
}
